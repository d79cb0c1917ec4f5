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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.modload.loader.diag.ArchitectureException;
import org.modload.loader.diag.Location;
import org.modload.loader.diag.RelocationException;
import org.modload.loader.diag.RelocationException.Reason;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.SymbolResolver;
import org.modload.loader.spi.Profile;
import org.modload.loader.testing.RelocationFixtures;

/**
 * What the KERNEL profile refuses besides values out of range (those are in
 * {@link KernelRelocationTest}): a place whose bytes are not zero, as Linux's
 * {@code apply_relocate_add()} refuses it, and every type Linux does not apply. Each refusal is
 * one object of {@code x86_64-refusals.s}, whose first relocation is accepted; the tests assert
 * every field of the exception and its message.
 */
class KernelRefusalTest {
    private static final X86_64Architecture ARCH = new X86_64Architecture();
    private static final LayoutPolicy LINUX = new LayoutPolicy.Linux(ARCH.moduleAreaBase());
    /** gas references _GLOBAL_OFFSET_TABLE_ beside @GOTPCREL and @TPOFF; it resolves so that the type is refused. */
    private static final SymbolResolver SYMBOLS = RelocationFixtures.resolver(Map.of(
            "printk", 0xffffffff81000000L,
            "low_const", 0x1234L,
            "tls_var", 0x40L,
            "_GLOBAL_OFFSET_TABLE_", 0xffffffff83000000L));

    @TempDir
    Path work;

    /** The object of the last {@link #refusal}. */
    private ElfFile obj;

    private RelocationException refusal(String fixture, Profile profile) {
        obj = RelocationFixtures.parse(Fixture.copy(fixture, work));
        return assertThrows(RelocationException.class,
                () -> new LinkEngine(ARCH).link(obj, profile, LINUX, SYMBOLS));
    }

    private void assertLocation(String fixture, String section, long offset, RelocationException e) {
        int index = obj.section(section).orElseThrow().index();
        assertEquals(new Location(fixture, OptionalInt.of(index), section, OptionalLong.of(offset)), e.location());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            x86_64-refuse-nonzero-64.o    | .data | 0x8 | R_X86_64_64    | 0xdeadbeef00000000 | x86_64-refuse-nonzero-64.o:(.data+0x8): relocation R_X86_64_64: invalid relocation target, existing value is nonzero (0xdeadbeef00000000); references 'printk'
            x86_64-refuse-nonzero-plt32.o | .text | 0x6 | R_X86_64_PLT32 | 0x12340000         | x86_64-refuse-nonzero-plt32.o:(.text+0x6): relocation R_X86_64_PLT32: invalid relocation target, existing value is nonzero (0x12340000); references 'printk'
            """)
    void nonzeroTargetIsRefused(String fixture, String section, String offset, String type, String existing,
            String message) {
        RelocationException e = refusal(fixture, Profile.KERNEL);
        assertAll(
                () -> assertEquals(Reason.BAD_TARGET, e.reason()),
                () -> assertEquals(type, e.type()),
                () -> assertEquals("printk", e.symbol()),
                () -> assertEquals(OptionalLong.of(Long.parseUnsignedLong(existing.substring(2), 16)), e.value()),
                () -> assertEquals(OptionalLong.empty(), e.min()),
                () -> assertEquals(OptionalLong.empty(), e.max()),
                () -> assertLocation(fixture, section, Long.decode(offset), e),
                () -> assertEquals(message, e.getMessage()));
    }

    /** The zero-target rule is the kernel's: PERMISSIVE writes over whatever the place holds. */
    @Test
    void nonzeroTargetIsAcceptedWhenPermissive() {
        ElfFile obj = RelocationFixtures.parse(Fixture.copy("x86_64-refuse-nonzero-64.o", work));
        var image = new LinkEngine(ARCH).link(obj, Profile.PERMISSIVE, LINUX, SYMBOLS);
        int data = obj.section(".data").orElseThrow().index();
        assertEquals(0xffffffff81000000L + 0x10, image.sectionBytes(data).orElseThrow().getLong(8));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            x86_64-refuse-gotpcrel.o      | .text | 0x8 | R_X86_64_GOTPCREL      | printk    | x86_64-refuse-gotpcrel.o:(.text+0x8): unsupported relocation type R_X86_64_GOTPCREL; references 'printk'
            x86_64-refuse-rex-gotpcrelx.o | .text | 0x8 | R_X86_64_REX_GOTPCRELX | printk    | x86_64-refuse-rex-gotpcrelx.o:(.text+0x8): unsupported relocation type R_X86_64_REX_GOTPCRELX; references 'printk'
            x86_64-refuse-tpoff32.o       | .text | 0x9 | R_X86_64_TPOFF32       | tls_var   | x86_64-refuse-tpoff32.o:(.text+0x9): unsupported relocation type R_X86_64_TPOFF32; references 'tls_var'
            x86_64-refuse-r16.o           | .data | 0x8 | R_X86_64_16            | low_const | x86_64-refuse-r16.o:(.data+0x8): unsupported relocation type R_X86_64_16; references 'low_const'
            x86_64-refuse-unknown.o       | .data | 0x8 | unknown(99)            | printk    | x86_64-refuse-unknown.o:(.data+0x8): unsupported relocation type unknown(99); references 'printk'
            """)
    void typeLinuxDoesNotApplyIsRefused(String fixture, String section, String offset, String type, String symbol,
            String message) {
        RelocationException e = refusal(fixture, Profile.KERNEL);
        RelocationFixtures.assertUnsupported(e, obj, section, Long.decode(offset), type, symbol, message);
    }

    /** PERMISSIVE links what ordinary objects carry, but no TLS: a fixed-address image has no TLS runtime. */
    @Test
    void tlsIsRefusedWithItsReasonWhenPermissive() {
        RelocationException e = refusal("x86_64-refuse-tpoff32.o", Profile.PERMISSIVE);
        RelocationFixtures.assertUnsupported(e, obj, ".text", 0x9, "R_X86_64_TPOFF32", "tls_var",
                "x86_64-refuse-tpoff32.o:(.text+0x9): unsupported relocation type R_X86_64_TPOFF32: thread-local"
                        + " storage needs a TLS runtime, which a fixed-address image does not have; references 'tls_var'");
    }

    /** Linux's x86_64 loader applies only SHT_RELA ("REL relocation unsupported"): the whole section is refused. */
    @Test
    void relSectionIsRefused() {
        String fixture = "x86_64-refuse-rel.o";
        obj = RelocationFixtures.parse(Fixture.copy(fixture, work));
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
