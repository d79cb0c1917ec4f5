package org.modload.arch.i386;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.loader.diag.RelocationException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.spi.Profile;
import org.modload.loader.testing.RelocationFixtures;

/**
 * PERMISSIVE links what ordinary objects carry, but no TLS: a fixed-address image has no TLS
 * runtime, and the refusal says so (the conformance kit checks the plain refusals).
 */
class TlsRefusalTest {
    private static final I386Architecture ARCH = new I386Architecture();

    @TempDir
    Path work;

    @Test
    void tlsIsRefusedWithItsReasonWhenPermissive() {
        ElfFile obj = RelocationFixtures.parse(Fixture.copy("i386-refuse-tls-le.o", work));
        RelocationException e = assertThrows(RelocationException.class, () -> new LinkEngine(ARCH).link(obj,
                Profile.PERMISSIVE, new LayoutPolicy.Linux(ARCH.moduleAreaBase()),
                RelocationFixtures.resolver(Map.of("tls_var", 0x40L, "printk", 0xc1000000L))));
        RelocationFixtures.assertUnsupported(e, obj, ".text", 0x7, "R_386_TLS_LE", "tls_var",
                "i386-refuse-tls-le.o:(.text+0x7): unsupported relocation type R_386_TLS_LE: thread-local storage"
                        + " needs a TLS runtime, which a fixed-address image does not have; references 'tls_var'");
    }
}
