package org.modload.arch.i386;

import java.nio.file.Path;

import org.modload.loader.testing.RelocationFixtures;

/** This module's committed fixtures (src/test/resources/fixtures), opened from inside the module. */
final class Fixture {
    private Fixture() {
    }

    static Path copy(String name, Path dir) {
        return RelocationFixtures.copy(Fixture.class.getResourceAsStream("/fixtures/" + name), name, dir);
    }
}
