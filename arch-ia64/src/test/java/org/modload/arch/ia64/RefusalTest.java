package org.modload.arch.ia64;

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
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.SymbolResolver;
import org.modload.loader.spi.Profile;
import org.modload.loader.testing.RelocationFixtures;

/**
 * What KERNEL refuses, as Linux's {@code do_reloc()} refuses it: one object of
 * {@code ia64-refusals.s} per refusal, each past accepted relocations; every field of the
 * exception and its message are asserted.
 */
class RefusalTest {
    private static final Ia64Architecture ARCH = new Ia64Architecture();
    private static final LayoutPolicy LINUX = new LayoutPolicy.Linux(ARCH.moduleAreaBase());
    private static final SymbolResolver SYMBOLS = Fixtures.resolver(Map.of(
            "ext_a", Fixtures.data(0xa000000100001000L),
            "ext_l", Fixtures.data(0xa000000100002000L),
            "ext_f", Fixtures.function(0xa000000100003000L, 0xa000000100100000L, 0xa000000100400000L),
            "tls_var", Fixtures.data(0x40)));

    @TempDir
    Path work;

    private ElfFile obj;

    private <T extends Throwable> T refusal(Class<T> kind, String fixture, Profile profile) {
        obj = Fixtures.parse(Fixtures.copy(fixture, work));
        return assertThrows(kind, () -> new LinkEngine(ARCH).link(obj, profile, LINUX, SYMBOLS));
    }

    private Location at(String fixture, String section, long offset) {
        return new Location(fixture, OptionalInt.of(obj.section(section).orElseThrow().index()), section,
                OptionalLong.of(offset));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ia64-refuse-unknown.o   | .data | 0x8  | unknown(136)           | ext_a   | ia64-refuse-unknown.o:(.data+0x8): unsupported relocation type unknown(136); references 'ext_a'
            ia64-refuse-imm14.o     | .text | 0x11 | R_IA64_IMM14           | ext_a   | ia64-refuse-imm14.o:(.text+0x11): unsupported relocation type R_IA64_IMM14; references 'ext_a'
            ia64-refuse-dir64msb.o  | .data | 0x8  | R_IA64_DIR64MSB        | ext_a   | ia64-refuse-dir64msb.o:(.data+0x8): unsupported relocation type R_IA64_DIR64MSB; references 'ext_a'
            ia64-refuse-dir32msb.o  | .data | 0x8  | R_IA64_DIR32MSB        | ext_a   | ia64-refuse-dir32msb.o:(.data+0x8): unsupported relocation type R_IA64_DIR32MSB; references 'ext_a'
            ia64-refuse-pcrel21m.o  | .text | 0x11 | R_IA64_PCREL21M        | ext_l   | ia64-refuse-pcrel21m.o:(.text+0x11): unsupported relocation type R_IA64_PCREL21M; references 'ext_l'
            ia64-refuse-pcrel21f.o  | .text | 0x11 | R_IA64_PCREL21F        | ext_l   | ia64-refuse-pcrel21f.o:(.text+0x11): unsupported relocation type R_IA64_PCREL21F; references 'ext_l'
            ia64-refuse-ltv64.o     | .data | 0x8  | R_IA64_LTV64LSB        | .data   | ia64-refuse-ltv64.o:(.data+0x8): unsupported relocation type R_IA64_LTV64LSB; references '.data'
            ia64-refuse-tprel64.o   | .data | 0x8  | R_IA64_TPREL64LSB      | tls_var | ia64-refuse-tprel64.o:(.data+0x8): unsupported relocation type R_IA64_TPREL64LSB; references 'tls_var'
            ia64-refuse-none.o      | .data | 0x8  | R_IA64_NONE            | ext_a   | ia64-refuse-none.o:(.data+0x8): unsupported relocation type R_IA64_NONE; references 'ext_a'
            ia64-refuse-copy.o      | .data | 0x8  | R_IA64_COPY            | ext_a   | ia64-refuse-copy.o:(.data+0x8): unsupported relocation type R_IA64_COPY; references 'ext_a'
            """)
    void typesLinuxDoesNotApplyAreRefused(String fixture, String section, String offset, String type, String symbol,
            String message) {
        RelocationException e = refusal(RelocationException.class, fixture, Profile.KERNEL);
        RelocationFixtures.assertUnsupported(e, obj, section, Long.decode(offset), type, symbol, message);
    }

    @Test
    void slot3IsRefused() {
        RelocationException e = refusal(RelocationException.class, "ia64-refuse-slot3.o", Profile.KERNEL);
        assertAll(
                () -> assertEquals(Reason.INVALID, e.reason()),
                () -> assertEquals("R_IA64_GPREL22", e.type()),
                () -> assertEquals(".data", e.symbol()),
                () -> assertEquals(OptionalLong.empty(), e.value()),
                () -> assertEquals(at("ia64-refuse-slot3.o", ".text", 0x13), e.location()),
                () -> assertEquals("ia64-refuse-slot3.o:(.text+0x13): relocation R_IA64_GPREL22: invalid slot number 3"
                        + " (a bundle has slots 0, 1 and 2); references '.data'", e.getMessage()));
    }

    /** Hostile input: an instruction relocation in an 8-byte data section, whose bundle cannot fit. */
    @Test
    void aBundleOutsideItsSectionIsRefused() {
        RelocationException e = refusal(RelocationException.class, "ia64-refuse-outside.o", Profile.KERNEL);
        assertAll(
                () -> assertEquals(Reason.PLACE_OUT_OF_SECTION, e.reason()),
                () -> assertEquals("R_IA64_GPREL22", e.type()),
                () -> assertEquals("ext_a", e.symbol()),
                () -> assertEquals(OptionalLong.empty(), e.value()),
                () -> assertEquals(at("ia64-refuse-outside.o", ".data", 0), e.location()),
                () -> assertEquals("ia64-refuse-outside.o:(.data+0x0): relocation R_IA64_GPREL22: bundle at offset"
                        + " 0x0 does not fit in section of size 0x8; references 'ext_a'", e.getMessage()));
    }

    @Test
    void imm64InSlot0IsRefused() {
        RelocationException e = refusal(RelocationException.class, "ia64-refuse-imm64slot0.o", Profile.KERNEL);
        assertAll(
                () -> assertEquals(Reason.INVALID, e.reason()),
                () -> assertEquals("R_IA64_IMM64", e.type()),
                () -> assertEquals(".data", e.symbol()),
                () -> assertEquals(at("ia64-refuse-imm64slot0.o", ".text", 0x10), e.location()),
                () -> assertEquals("ia64-refuse-imm64slot0.o:(.text+0x10): relocation R_IA64_IMM64: invalid slot"
                        + " number 0 for IMM64 (a long instruction occupies slots 1 and 2); references '.data'",
                        e.getMessage()));
    }

    @Test
    void pcrel21biAgainstAnExternalSymbolIsRefused() {
        RelocationException e = refusal(RelocationException.class, "ia64-refuse-pcrel21bi.o", Profile.KERNEL);
        assertAll(
                () -> assertEquals(Reason.INVALID, e.reason()),
                () -> assertEquals("R_IA64_PCREL21BI", e.type()),
                () -> assertEquals("ext_f", e.symbol()),
                () -> assertEquals(OptionalLong.of(0xa000000100003000L), e.value()),
                () -> assertEquals(at("ia64-refuse-pcrel21bi.o", ".text", 0x11), e.location()),
                () -> assertEquals("ia64-refuse-pcrel21bi.o:(.text+0x11): relocation R_IA64_PCREL21BI: reloc"
                        + " against non-local symbol (0xa000000100003000); references 'ext_f'", e.getMessage()));
    }

    /** Linux's @pltoff is the PLT entry's address, which no IMM22 holds: "value ... out of IMM22 range". */
    @Test
    void pltoff22IsOutOfImm22Range() {
        RelocationException e = refusal(RelocationException.class, "ia64-refuse-pltoff22.o", Profile.KERNEL);
        long plt = new LinkEngine(ARCH).plan(obj, Profile.KERNEL, LINUX).table(".core.plt").orElseThrow().address();
        RelocationFixtures.assertOutOfRange(e, obj, ".text", 0x11, "R_IA64_PLTOFF22", "ext_f", plt, -(1L << 21),
                (1L << 21) - 1, "ia64-refuse-pltoff22.o:(.text+0x11): relocation R_IA64_PLTOFF22 out of range: "
                        + plt + " is not in [-2097152, 2097151]; references 'ext_f'");
    }

    /** Linux's apply_relocate(): "REL relocs in section %u unsupported", before anything is applied. */
    @Test
    void relSectionIsRefused() {
        ArchitectureException e = refusal(ArchitectureException.class, "ia64-refuse-rel.o", Profile.KERNEL);
        int rel = obj.section(".rel.data").orElseThrow().index();
        assertAll(
                () -> assertEquals("EM_IA_64", e.machine()),
                () -> assertEquals(Location.ofSection("ia64-refuse-rel.o", rel, ".rel.data"), e.location()),
                () -> assertEquals("ia64-refuse-rel.o: section header " + rel + " (.rel.data): SHT_REL relocation"
                        + " sections are not supported on ia64 (Linux: \"REL relocs in section " + rel
                        + " unsupported\")", e.getMessage()));
    }

    /** PERMISSIVE writes the formats Linux leaves to "ld -r": the MSB words, IMM14, 21M, and NONE. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ia64-refuse-dir64msb.o
            ia64-refuse-dir32msb.o
            ia64-refuse-pcrel21m.o
            ia64-refuse-pcrel21f.o
            ia64-refuse-none.o
            ia64-refuse-ltv64.o
            """)
    void permissiveWritesWhatKernelRefuses(String fixture) {
        obj = Fixtures.parse(Fixtures.copy(fixture, work));
        LoadedImage image = new LinkEngine(ARCH).link(obj, Profile.PERMISSIVE, LINUX,
                name -> name.equals("ext_l") ? java.util.Optional.of(Fixtures.data(0xa000000200000000L + 0x100000))
                        : SYMBOLS.resolve(name));
        int data = obj.section(".data").orElseThrow().index();
        var bytes = image.sectionBytes(data).orElseThrow();
        switch (fixture) {
            case "ia64-refuse-dir64msb.o" -> assertEquals(0xa000000100001000L, Long.reverseBytes(bytes.getLong(8)));
            case "ia64-refuse-dir32msb.o" -> assertEquals(0x00001000, Integer.reverseBytes(bytes.getInt(8)));
            case "ia64-refuse-ltv64.o" -> assertEquals(image.plan().section(data).orElseThrow().address(),
                    bytes.getLong(8));
            case "ia64-refuse-none.o" -> assertEquals(0L, bytes.getLong(8));
            default -> {
                int text = obj.section(".text").orElseThrow().index();
                var t = image.sectionBytes(text).orElseThrow();
                long insn = Bundles.slot(t, 0x10, 1);
                long textAddress = image.plan().section(text).orElseThrow().address();
                long expected = fixture.equals("ia64-refuse-pcrel21m.o")
                        ? textAddress + 0x10 + 16 * Bundles.decodeImm21m(insn)
                        : textAddress + 0x10 + 16 * Bundles.decodeImm21f(insn);
                assertEquals(0xa000000200000000L + 0x100000, expected);
            }
        }
    }

    /** IMM14 (PERMISSIVE): 8191 is the largest value it holds, 8192 is out of range. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"8191, true", "-8192, true", "8192, false", "-8193, false"})
    void imm14EdgesWhenPermissive(long value, boolean fits) {
        obj = Fixtures.parse(Fixtures.copy("ia64-refuse-imm14.o", work));
        SymbolResolver r = Fixtures.resolver(Map.of("ext_a", Fixtures.data(value)));
        LinkEngine engine = new LinkEngine(ARCH);
        if (fits) {
            LoadedImage image = engine.link(obj, Profile.PERMISSIVE, LINUX, r);
            var t = image.sectionBytes(obj.section(".text").orElseThrow().index()).orElseThrow();
            assertEquals(value, Bundles.decodeImm14(Bundles.slot(t, 0x10, 1)));
            return;
        }
        RelocationException e = assertThrows(RelocationException.class, () -> engine.link(obj, Profile.PERMISSIVE,
                LINUX, r));
        assertAll(
                () -> assertEquals(Reason.OUT_OF_RANGE, e.reason()),
                () -> assertEquals(OptionalLong.of(value), e.value()),
                () -> assertEquals(OptionalLong.of(-8192), e.min()),
                () -> assertEquals(OptionalLong.of(8191), e.max()),
                () -> assertEquals(at("ia64-refuse-imm14.o", ".text", 0x11), e.location()),
                () -> assertEquals("ia64-refuse-imm14.o:(.text+0x11): relocation R_IA64_IMM14 out of range: " + value
                        + " is not in [-8192, 8191]; references 'ext_a'", e.getMessage()));
    }
}
