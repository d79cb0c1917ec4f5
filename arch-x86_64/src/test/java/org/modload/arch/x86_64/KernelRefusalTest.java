package org.modload.arch.x86_64;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.loader.diag.ArchitectureException;
import org.modload.loader.diag.Location;
import org.modload.loader.diag.RelocationException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.SymbolResolver;
import org.modload.loader.spi.Profile;
import org.modload.loader.testing.RelocationFixtures;

/**
 * What the KERNEL profile refuses that the conformance kit does not look at: an SHT_REL section
 * (the kit's own objects carry the architecture's SHT_RELA). Values out of range, nonzero places,
 * unknown and unapplied types are the kit's vectors and refusals ({@link ConformanceTest}).
 */
class KernelRefusalTest {
    private static final X86_64Architecture ARCH = new X86_64Architecture();
    private static final LayoutPolicy LINUX = new LayoutPolicy.Linux(ARCH.moduleAreaBase());
    private static final SymbolResolver SYMBOLS = RelocationFixtures.resolver(Map.of("printk", 0xffffffff81000000L));

    @TempDir
    Path work;

    /** PERMISSIVE links what ordinary objects carry, but no TLS: a fixed-address image has no TLS runtime. */
    @Test
    void tlsIsRefusedWithItsReasonWhenPermissive() {
        ElfFile obj = RelocationFixtures.parse(Fixture.copy("x86_64-refuse-tpoff32.o", work));
        RelocationException e = assertThrows(RelocationException.class,
                () -> new LinkEngine(ARCH).link(obj, Profile.PERMISSIVE, LINUX,
                        RelocationFixtures.resolver(Map.of("printk", 0xffffffff81000000L, "tls_var", 0x40L))));
        RelocationFixtures.assertUnsupported(e, obj, ".text", 0x9, "R_X86_64_TPOFF32", "tls_var",
                "x86_64-refuse-tpoff32.o:(.text+0x9): unsupported relocation type R_X86_64_TPOFF32: thread-local"
                        + " storage needs a TLS runtime, which a fixed-address image does not have; references 'tls_var'");
    }

    /** Linux's x86_64 loader applies only SHT_RELA ("REL relocation unsupported"): the whole section is refused. */
    @Test
    void relSectionIsRefused() {
        String fixture = "x86_64-refuse-rel.o";
        ElfFile obj = RelocationFixtures.parse(Fixture.copy(fixture, work));
        ArchitectureException e = assertThrows(ArchitectureException.class,
                () -> new LinkEngine(ARCH).link(obj, Profile.KERNEL, LINUX, SYMBOLS));
        int index = obj.section(".rel.data").orElseThrow().index();
        assertAll(
                () -> assertEquals("EM_X86_64", e.machine()),
                () -> assertEquals(new Location(fixture, OptionalInt.of(index), ".rel.data", OptionalLong.empty()),
                        e.location()),
                () -> assertEquals(fixture + ": section header " + index + " (.rel.data): SHT_REL relocation sections "
                        + "are not supported on x86_64 (Linux: \"REL relocation unsupported\")", e.getMessage()));
    }
}
