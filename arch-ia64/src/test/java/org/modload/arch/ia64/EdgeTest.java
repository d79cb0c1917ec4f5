package org.modload.arch.ia64;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.modload.loader.diag.RelocationException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadPlan;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.spi.Profile;
import org.modload.loader.testing.LdDifferential;
import org.modload.loader.testing.RelocationFixtures;

/**
 * Range edges of ia64-edges.o: GPREL22 and IMM22 exactly on both edges of the 22-bit field and
 * PCREL21B branches exactly 2^24 - 16 and -2^24 bytes away (sections pinned 16 MiB apart) are
 * accepted and match GNU ld bit for bit; one step past an edge is refused with the site, value
 * and range, and ld refuses it too.
 */
class EdgeTest {
    private static final Ia64Architecture ARCH = new Ia64Architecture();
    private static final long TEXT = 0xa000000201000000L;
    /** .text.hi so that the branch at .text+0x22 (bundle 0x20) is 2^24 - 16 bytes short of it. */
    private static final long HI = TEXT + 0x20 + (1L << 24) - 16;
    /** .text.lo so that the branch at .text+0x32 (bundle 0x30) is -2^24 bytes from it. */
    private static final long LO = TEXT + 0x30 - (1L << 24);

    @TempDir
    Path work;

    private static LayoutPolicy layout(long hiDelta, long loDelta) {
        return new LayoutPolicy.Explicit(Map.of(".text", TEXT, ".text.hi", HI + hiDelta, ".text.lo", LO + loDelta), 0);
    }

    /** The values that put the symbol sites on their edges, given the image's gp. */
    private static Map<String, SymbolDefinition> edges(long gp) {
        Map<String, SymbolDefinition> m = new LinkedHashMap<>();
        m.put("e_gprel_hi", Fixtures.data(gp + (1L << 21) - 1));
        m.put("e_gprel_lo", Fixtures.data(gp - (1L << 21)));
        m.put("e_imm22_hi", Fixtures.data((1L << 21) - 1));
        m.put("e_imm22_lo", Fixtures.data(-(1L << 21)));
        return m;
    }

    /** The gp the engine will choose for this layout (it does not depend on symbol values). */
    private static long gp(ElfFile obj, LayoutPolicy policy) {
        LoadPlan plan = new LinkEngine(ARCH).plan(obj, Profile.KERNEL, policy);
        return LinuxGp.of(plan.coreBase(), plan.coreSize());
    }

    @Test
    void everyEdgeIsAcceptedAndMatchesGnuLd() {
        Path object = Fixtures.copy("ia64-edges.o", work);
        ElfFile obj = Fixtures.parse(object);
        LayoutPolicy policy = layout(0, 0);
        Map<String, SymbolDefinition> defs = edges(gp(obj, policy));
        LoadedImage image = new LinkEngine(ARCH).link(obj, Profile.KERNEL, policy, Fixtures.resolver(defs));
        var text = image.sectionBytes(obj.section(".text").orElseThrow().index()).orElseThrow();
        assertAll(
                () -> assertEquals((1L << 21) - 1, Bundles.decodeImm22(Bundles.slot(text, 0, 0))),
                () -> assertEquals(-(1L << 21), Bundles.decodeImm22(Bundles.slot(text, 0, 1))),
                () -> assertEquals((1L << 21) - 1, Bundles.decodeImm22(Bundles.slot(text, 0x10, 0))),
                () -> assertEquals(-(1L << 21), Bundles.decodeImm22(Bundles.slot(text, 0x10, 1))),
                () -> assertEquals((1L << 20) - 1, Bundles.decodeImm21b(Bundles.slot(text, 0x20, 2))),
                () -> assertEquals(-(1L << 20), Bundles.decodeImm21b(Bundles.slot(text, 0x30, 2))));
        Oracle.Report r = new Oracle(obj, image, defs, PltTemplate.BRL).check(object, work);
        assertEquals(List.of(), r.failures());
        assertEquals(Map.of("gprel (= ld)", 2, "direct (= ld)", 2, "pcrel21b direct (= ld)", 2), r.verified());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            e_gprel_hi | 1   | 0x0  | R_IA64_GPREL22  | 2097152   | -2097152  | 2097151
            e_gprel_lo | -1  | 0x1  | R_IA64_GPREL22  | -2097153  | -2097152  | 2097151
            e_imm22_hi | 1   | 0x10 | R_IA64_IMM22    | 2097152   | -2097152  | 2097151
            e_imm22_lo | -1  | 0x11 | R_IA64_IMM22    | -2097153  | -2097152  | 2097151
            far_hi     | 16  | 0x22 | R_IA64_PCREL21B | 16777216  | -16777216 | 16777200
            far_lo     | -16 | 0x32 | R_IA64_PCREL21B | -16777232 | -16777216 | 16777200
            """)
    void onePastEachEdgeIsRefusedAsGnuLdRefusesIt(String symbol, long delta, String offset, String type, long value,
            long min, long max) {
        Path object = Fixtures.copy("ia64-edges.o", work);
        ElfFile obj = Fixtures.parse(object);
        LayoutPolicy policy = layout(symbol.equals("far_hi") ? delta : 0, symbol.equals("far_lo") ? delta : 0);
        long gp = gp(obj, layout(0, 0));
        Map<String, SymbolDefinition> defs = edges(gp);
        if (defs.containsKey(symbol)) {
            defs.put(symbol, Fixtures.data(defs.get(symbol).address() + delta));
        }
        RelocationException e = assertThrows(RelocationException.class,
                () -> new LinkEngine(ARCH).link(obj, Profile.KERNEL, policy, Fixtures.resolver(defs)));
        int text = obj.section(".text").orElseThrow().index();
        RelocationFixtures.assertOutOfRange(e, obj, ".text", Long.decode(offset), type, symbol, value, min, max,
                "ia64-edges.o:(.text+" + offset + "): relocation " + type + " out of range: " + value + " is not in ["
                        + min + ", " + max + "]; references '" + symbol + "'");

        // GNU ld at the same addresses, with the same gp, cannot apply the same site either.
        Map<String, Long> pins = new LinkedHashMap<>();
        var explicit = (LayoutPolicy.Explicit) policy;
        pins.putAll(explicit.addresses());
        Map<String, Long> symbols = new LinkedHashMap<>();
        defs.forEach((n, d) -> symbols.put(n, d.address()));
        symbols.put("__gp", gp);
        LdDifferential.LdImage ld = LdDifferential.forMachine(Machine.EM_IA_64).link(object, obj, pins, symbols, work);
        if (type.equals("R_IA64_PCREL21B")) {
            // ld does not refuse a br.call out of reach: it rewrites its bundle into an MLX brl.call.
            int bundle = (int) (Long.decode(offset) & ~0xf);
            assertEquals(null, ld.failure());
            var linked = ld.section(text).orElseThrow().bytes();
            assertEquals(0x10, Bundles.template(obj.section(text).bytes(), bundle) & 0x1e, "MIB before");
            assertEquals(0x04, Bundles.template(linked, bundle) & 0x1e, "ld's bundle is MLX (brl) after");
        } else {
            String ldType = type.substring("R_IA64_".length());
            assertTrue(ld.failure() != null && ld.failure().contains("(.text+" + offset + "): relocation truncated to"
                    + " fit: " + ldType + " against symbol `" + symbol + "'"), () -> "ld: " + ld.failure());
        }
    }
}
