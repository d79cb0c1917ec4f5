package org.modload.loader.testing.kit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.SymbolResolver;
import org.modload.loader.spi.Profile;

/**
 * One of the plugin's committed fixture objects (built by real toolchains, with their source and
 * regen script) as the kit links it: in a profile, with a resolver for its undefined symbols, by
 * a layout policy (the Linux layout at the plugin's module base when empty), and whether GNU ld
 * must produce the same bytes. Immutable.
 *
 * @param name the file name, as messages show it
 * @param bytes the object's bytes (read-only)
 * @param profile the profile to link in
 * @param resolver the undefined symbols' values
 * @param policy the layout; empty: {@code LayoutPolicy.Linux(plugin.moduleAreaBase())}
 * @param ld whether the differential check links it with GNU ld too (KERNEL fixtures whose
 *     tables, if any, are empty)
 */
public record KitFixture(String name, ByteBuffer bytes, Profile profile, SymbolResolver resolver,
        Optional<LayoutPolicy> policy, boolean ld) {

    public KitFixture {
        Objects.requireNonNull(name);
        bytes = bytes.asReadOnlyBuffer();
        Objects.requireNonNull(profile);
        Objects.requireNonNull(resolver);
        Objects.requireNonNull(policy);
    }

    /**
     * A fixture read from {@code in}, which the plugin's test opens (resources of a named module
     * are visible to its own code only: {@code getClass().getResourceAsStream("/fixtures/x.o")}),
     * linked in {@code profile} at the Linux layout, not given to ld.
     *
     * @throws AssertionError when {@code in} is null: the fixture is missing
     */
    public static KitFixture of(String name, InputStream in, Profile profile, SymbolResolver resolver) {
        if (in == null) {
            throw new AssertionError("fixture " + name + " is missing: run src/test/resources/fixtures/regen.sh");
        }
        try (InputStream s = in) {
            return new KitFixture(name, ByteBuffer.wrap(s.readAllBytes()), profile, resolver, Optional.empty(), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This fixture, also linked by GNU ld and compared byte for byte. */
    public KitFixture withLd() {
        return new KitFixture(name, bytes, profile, resolver, policy, true);
    }

    /** This fixture laid out by {@code p}. */
    public KitFixture laidOutBy(LayoutPolicy p) {
        return new KitFixture(name, bytes, profile, resolver, Optional.of(p), ld);
    }

    /** The parsed object. */
    ElfFile parse() {
        byte[] b = new byte[bytes.capacity()];
        bytes.get(0, b);
        return ElfFile.parse(name, ByteBuffer.wrap(b));
    }
}
