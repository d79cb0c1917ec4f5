package org.modload.arch.x86_64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.modload.loader.testing.RelocationFixtures.Site;
import org.modload.loader.diag.RelocationException;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.elf.Relocation;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadPlan;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Applied;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.RelocationSite;
import org.modload.loader.testing.LdDifferential;
import org.modload.loader.testing.RelocationFixtures;

/**
 * The KERNEL profile of x86_64 on objects assembled by {@code as --64}: every type Linux 6.1
 * applies, relocated byte-identically to GNU ld at the same addresses; each range-checked type
 * exactly at both edges of its range (ld agrees) and one past each edge (refused, as ld refuses).
 * The refusals of the other kinds are in {@link KernelRefusalTest}.
 */
class KernelRelocationTest {
    private static final X86_64Architecture ARCH = new X86_64Architecture();
    private static final LayoutPolicy LINUX = new LayoutPolicy.Linux(ARCH.moduleAreaBase());

    /** Kernel addresses for the undefined symbols of x86_64-kernel-types.s; low_const is below 4 GiB. */
    private static final Map<String, Long> KERNEL_SYMBOLS = Map.of(
            "printk", 0xffffffff81000000L,
            "ext_data", 0xffffffff82000040L,
            "ext_func", 0xffffffff81234560L,
            "low_const", 0x12345678L);

    @TempDir
    Path work;

    @Test
    void everyKernelTypeMatchesGnuLd() {
        Path object = Fixture.copy("x86_64-kernel-types.o", work);
        ElfFile obj = RelocationFixtures.parse(object);

        Set<String> types = new TreeSet<>();
        for (var rs : obj.relocationSections()) {
            for (Relocation r : rs.entries()) {
                types.add(ARCH.relocationName(r.type()));
                assertNotEquals(0L, r.addend().orElseThrow(), () -> "zero addend at " + rs.target().name()
                        + "+0x" + Long.toHexString(r.offset()));
            }
        }
        assertEquals(new TreeSet<>(Set.of("R_X86_64_NONE", "R_X86_64_64", "R_X86_64_32", "R_X86_64_32S",
                "R_X86_64_PC32", "R_X86_64_PLT32", "R_X86_64_PC64")), types, "types the fixture exercises");

        LdDifferential.Comparison c = LdDifferential.forMachine(Machine.EM_X86_64)
                .compare(object, ARCH, RelocationFixtures.resolver(KERNEL_SYMBOLS), work);
        assertEquals(List.of(), c.differences());
        assertEquals(5, c.sections(), "sections compared: .text .init.text .rodata .data .bss");
        assertEquals(24, c.relocations(), "relocations compared");
    }

    /**
     * The comparison above can fail: an architecture that is off by one in a single R_X86_64_PC32
     * site of the same object is caught, at that site.
     */
    @Test
    void gnuLdSeesAnOffByOne() {
        Path object = Fixture.copy("x86_64-kernel-types.o", work);
        ElfFile obj = RelocationFixtures.parse(object);
        Architecture offByOne = new Architecture() {
            @Override
            public Machine machine() {
                return ARCH.machine();
            }

            @Override
            public ElfClass elfClass() {
                return ARCH.elfClass();
            }

            @Override
            public ByteOrder byteOrder() {
                return ARCH.byteOrder();
            }

            @Override
            public long moduleAreaBase() {
                return ARCH.moduleAreaBase();
            }

            @Override
            public Optional<RelocationType> relocationType(int rType) {
                return ARCH.relocationType(rType);
            }

            @Override
            public long implicitAddend(RelocationSite site) {
                return ARCH.implicitAddend(site);
            }

            @Override
            public boolean applies(RelocationType type, Profile profile) {
                return ARCH.applies(type, profile);
            }

            @Override
            public void write(RelocationSite site, Applied a, Profile profile) {
                boolean victim = site.target().name().equals(".rodata") && site.offset() == 0x10;
                ARCH.write(site, victim ? new Applied(a.row(), a.need(), a.operands(), a.value() + 1) : a, profile);
            }
        };
        LoadedImage image = new LinkEngine(offByOne).link(obj, Profile.KERNEL, LINUX,
                RelocationFixtures.resolver(KERNEL_SYMBOLS));
        LdDifferential.Comparison c = LdDifferential.forMachine(Machine.EM_X86_64).compare(object, obj, image, work);
        assertEquals(1, c.differences().size(), () -> c.differences().toString());
        assertTrue(c.differences().get(0).startsWith(".rodata (section " + obj.section(".rodata").orElseThrow().index()
                + ")+0x10: "), c.differences().get(0));
    }

    // --- edges -------------------------------------------------------------------------------

    /** What each edge symbol's site must compute: S + A for 32 and 32S, S + A - P for the others. */
    private static final Map<String, Long> EDGES = Map.of(
            "e32_lo", 0L,
            "e32_hi", 0xffffffffL,
            "e32s_lo", -(1L << 31),
            "e32s_hi", (1L << 31) - 1,
            "epc32_lo", -(1L << 31),
            "epc32_hi", (1L << 31) - 1,
            "eplt32_lo", -(1L << 31),
            "eplt32_hi", (1L << 31) - 1);

    /** Values of the 64-bit sites, chosen so that S + A (64) and S + A - P (PC64) wrap past 2^64. */
    private static final Map<String, Long> WRAPS = Map.of(
            "w64", 0xfffffffffffffff8L,
            "wpc64", 0x10L);

    /**
     * The symbol values that put every edge site exactly on its edge, solved from the engine's
     * layout of x86_64-edges.o: S = edge - A, plus P for the pc-relative types.
     */
    private static Map<String, Long> edgeSymbols(ElfFile obj, LoadPlan plan) {
        Map<String, Long> values = new LinkedHashMap<>(WRAPS);
        EDGES.forEach((symbol, edge) -> {
            Site s = RelocationFixtures.site(obj, symbol);
            long a = s.entry().addend().orElseThrow();
            boolean pcRelative = !symbol.startsWith("e32");
            values.put(symbol, edge - a + (pcRelative ? s.place(plan) : 0));
        });
        return values;
    }

    @Test
    void everyRangeEdgeIsAcceptedAsGnuLdAcceptsIt() {
        Path object = Fixture.copy("x86_64-edges.o", work);
        ElfFile obj = RelocationFixtures.parse(object);
        LinkEngine engine = new LinkEngine(ARCH);
        LoadPlan plan = engine.plan(obj, Profile.KERNEL, LINUX);
        Map<String, Long> symbols = edgeSymbols(obj, plan);

        LoadedImage image = engine.link(obj, Profile.KERNEL, LINUX, RelocationFixtures.resolver(symbols));
        // The field at each edge site holds the edge: the values above really are the edges.
        EDGES.forEach((symbol, edge) -> {
            Site s = RelocationFixtures.site(obj, symbol);
            ByteBuffer b = image.sectionBytes(s.section().target().index()).orElseThrow();
            assertEquals((int) (long) edge, b.getInt((int) s.entry().offset()), symbol);
        });
        // And the 64-bit sites really wrap.
        long w64 = symbols.get("w64") + RelocationFixtures.site(obj, "w64").entry().addend().orElseThrow();
        assertTrue(Long.compareUnsigned(w64, symbols.get("w64")) < 0, "S + A wraps past 2^64");
        Site pc64 = RelocationFixtures.site(obj, "wpc64");
        assertTrue(Long.compareUnsigned(symbols.get("wpc64") + pc64.entry().addend().orElseThrow(),
                pc64.place(plan)) < 0, "S + A - P wraps below 0");

        LdDifferential.Comparison c = LdDifferential.forMachine(Machine.EM_X86_64)
                .compare(object, obj, image, work);
        assertEquals(List.of(), c.differences());
        assertEquals(10, c.relocations());
    }

    /**
     * One past each edge: the symbol of the row moves by {@code delta} from its edge value, every
     * other stays on its edge; the engine refuses that site, naming it, and so does GNU ld.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            e32_lo    | -1 | .text      | 0x1  | R_X86_64_32  | -1          | 0           | 4294967295 | x86_64-edges.o:(.text+0x1): relocation R_X86_64_32 out of range: 18446744073709551615 is not in [0, 4294967295]; references 'e32_lo'
            e32_hi    | 1  | .data      | 0x0  | R_X86_64_32  | 4294967296  | 0           | 4294967295 | x86_64-edges.o:(.data+0x0): relocation R_X86_64_32 out of range: 4294967296 is not in [0, 4294967295]; references 'e32_hi'
            e32s_lo   | -1 | .data      | 0x4  | R_X86_64_32S | -2147483649 | -2147483648 | 2147483647 | x86_64-edges.o:(.data+0x4): relocation R_X86_64_32S out of range: -2147483649 is not in [-2147483648, 2147483647]; references 'e32s_lo'
            e32s_hi   | 1  | .text      | 0x8  | R_X86_64_32S | 2147483648  | -2147483648 | 2147483647 | x86_64-edges.o:(.text+0x8): relocation R_X86_64_32S out of range: 2147483648 is not in [-2147483648, 2147483647]; references 'e32s_hi'
            epc32_lo  | -1 | .text      | 0xf  | R_X86_64_PC32  | -2147483649 | -2147483648 | 2147483647 | x86_64-edges.o:(.text+0xf): relocation R_X86_64_PC32 out of range: -2147483649 is not in [-2147483648, 2147483647]; references 'epc32_lo'
            epc32_hi  | 1  | .rodata    | 0x0  | R_X86_64_PC32  | 2147483648  | -2147483648 | 2147483647 | x86_64-edges.o:(.rodata+0x0): relocation R_X86_64_PC32 out of range: 2147483648 is not in [-2147483648, 2147483647]; references 'epc32_hi'
            eplt32_lo | -1 | .text      | 0x14 | R_X86_64_PLT32 | -2147483649 | -2147483648 | 2147483647 | x86_64-edges.o:(.text+0x14): relocation R_X86_64_PLT32 out of range: -2147483649 is not in [-2147483648, 2147483647]; references 'eplt32_lo'
            eplt32_hi | 1  | .init.text | 0x1  | R_X86_64_PLT32 | 2147483648  | -2147483648 | 2147483647 | x86_64-edges.o:(.init.text+0x1): relocation R_X86_64_PLT32 out of range: 2147483648 is not in [-2147483648, 2147483647]; references 'eplt32_hi'
            """)
    void onePastEachEdgeIsRefusedAsGnuLdRefusesIt(String symbol, long delta, String section, String offset,
            String type, long value, long min, long max, String message) {
        Path object = Fixture.copy("x86_64-edges.o", work);
        ElfFile obj = RelocationFixtures.parse(object);
        LinkEngine engine = new LinkEngine(ARCH);
        LoadPlan plan = engine.plan(obj, Profile.KERNEL, LINUX);
        Map<String, Long> symbols = edgeSymbols(obj, plan);
        symbols.put(symbol, symbols.get(symbol) + delta);

        RelocationException e = assertThrows(RelocationException.class,
                () -> engine.link(obj, Profile.KERNEL, LINUX, RelocationFixtures.resolver(symbols)));
        RelocationFixtures.assertOutOfRange(e, obj, section, Long.decode(offset), type, symbol, value, min, max,
                message);

        LdDifferential.LdImage ld = LdDifferential.forMachine(Machine.EM_X86_64)
                .link(object, obj, RelocationFixtures.layout(plan), symbols, work);
        assertTrue(ld.failure() != null && ld.failure().contains("(" + section + "+" + offset + "): relocation "
                + "truncated to fit: " + type + " against symbol `" + symbol + "'"), () -> "ld: " + ld.failure());
    }
}
