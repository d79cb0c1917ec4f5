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
 * What KERNEL refuses, as Linux's {@code do_reloc()} refuses it, in objects assembled from
 * {@code ia64-refusals.s} (each refusal past accepted relocations), with every field of the
 * exception and its message asserted. The types Linux does not apply, and the formats PERMISSIVE
 * writes instead, are the conformance kit's refusals and vectors ({@link ConformanceTest}).
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
}
