package org.modload.arch.i386;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.modload.loader.diag.RelocationException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.SymbolResolver;
import org.modload.loader.spi.Profile;
import org.modload.loader.testing.RelocationFixtures;

/**
 * Every type Linux 6.1's i386 {@code apply_relocate()} does not apply ("Unknown relocation"),
 * R_386_NONE included, is refused by the KERNEL profile with a located error naming it. Each
 * refusal is one object of {@code i386-refusals.s}, whose first relocations are accepted; the
 * tests assert every field of the exception and its message.
 */
class KernelRefusalTest {
    private static final I386Architecture ARCH = new I386Architecture();
    private static final LayoutPolicy LINUX = new LayoutPolicy.Linux(ARCH.moduleAreaBase());
    /** gas references _GLOBAL_OFFSET_TABLE_ beside @GOT; it resolves so that the type is refused. */
    private static final SymbolResolver SYMBOLS = RelocationFixtures.resolver(Map.of(
            "printk", 0xc1000000L,
            "low_const", 0x1234L,
            "tls_var", 0x40L,
            "_GLOBAL_OFFSET_TABLE_", 0xc3000000L));

    @TempDir
    Path work;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            i386-refuse-none.o    | .data | 0x4 | R_386_NONE   | printk    | i386-refuse-none.o:(.data+0x4): unsupported relocation type R_386_NONE; references 'printk'
            i386-refuse-r16.o     | .data | 0x4 | R_386_16     | low_const | i386-refuse-r16.o:(.data+0x4): unsupported relocation type R_386_16; references 'low_const'
            i386-refuse-got32.o   | .data | 0x4 | R_386_GOT32  | printk    | i386-refuse-got32.o:(.data+0x4): unsupported relocation type R_386_GOT32; references 'printk'
            i386-refuse-got32x.o  | .text | 0x7 | R_386_GOT32X | printk    | i386-refuse-got32x.o:(.text+0x7): unsupported relocation type R_386_GOT32X; references 'printk'
            i386-refuse-tls-le.o  | .text | 0x7 | R_386_TLS_LE | tls_var   | i386-refuse-tls-le.o:(.text+0x7): unsupported relocation type R_386_TLS_LE; references 'tls_var'
            i386-refuse-pc8.o     | .data | 0x4 | R_386_PC8    | printk    | i386-refuse-pc8.o:(.data+0x4): unsupported relocation type R_386_PC8; references 'printk'
            i386-refuse-unknown.o | .data | 0x4 | unknown(99)  | printk    | i386-refuse-unknown.o:(.data+0x4): unsupported relocation type unknown(99); references 'printk'
            """)
    void typeLinuxDoesNotApplyIsRefused(String fixture, String section, String offset, String type, String symbol,
            String message) {
        ElfFile obj = RelocationFixtures.parse(Fixture.copy(fixture, work));
        RelocationException e = assertThrows(RelocationException.class,
                () -> new LinkEngine(ARCH).link(obj, Profile.KERNEL, LINUX, SYMBOLS));
        RelocationFixtures.assertUnsupported(e, obj, section, Long.decode(offset), type, symbol, message);
    }

    /** PERMISSIVE links what ordinary objects carry, but no TLS: a fixed-address image has no TLS runtime. */
    @org.junit.jupiter.api.Test
    void tlsIsRefusedWithItsReasonWhenPermissive() {
        ElfFile obj = RelocationFixtures.parse(Fixture.copy("i386-refuse-tls-le.o", work));
        RelocationException e = assertThrows(RelocationException.class,
                () -> new LinkEngine(ARCH).link(obj, Profile.PERMISSIVE, LINUX, SYMBOLS));
        RelocationFixtures.assertUnsupported(e, obj, ".text", 0x7, "R_386_TLS_LE", "tls_var",
                "i386-refuse-tls-le.o:(.text+0x7): unsupported relocation type R_386_TLS_LE: thread-local storage"
                        + " needs a TLS runtime, which a fixed-address image does not have; references 'tls_var'");
    }

    /**
     * R_386_NONE, R_386_16 and R_386_PC8 are refused because the profile is the kernel's: PERMISSIVE
     * applies them (R_386_16 adds S to the 2 in its place).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            i386-refuse-none.o | 4 | 0x0
            i386-refuse-r16.o  | 2 | 0x1236
            """)
    void kernelOnlyRefusalsAreAcceptedWhenPermissive(String fixture, int width, String stored) {
        ElfFile obj = RelocationFixtures.parse(Fixture.copy(fixture, work));
        LoadedImage image = new LinkEngine(ARCH).link(obj, Profile.PERMISSIVE, LINUX, SYMBOLS);
        var data = image.sectionBytes(obj.section(".data").orElseThrow().index()).orElseThrow();
        long value = width == 2 ? data.getShort(4) & 0xffffL : data.getInt(4) & 0xffffffffL;
        assertEquals(Long.decode(stored), value);
    }
}
