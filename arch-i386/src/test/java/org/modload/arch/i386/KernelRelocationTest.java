package org.modload.arch.i386;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.loader.testing.RelocationFixtures.Site;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.elf.Relocation;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadPlan;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.spi.Profile;
import org.modload.loader.testing.LdDifferential;
import org.modload.loader.testing.RelocationFixtures;

/**
 * The KERNEL profile of i386 on objects assembled by {@code as --32}: R_386_32, R_386_PC32 and
 * R_386_PLT32 with their addends in the place, relocated byte-identically to GNU ld at the same
 * addresses, including results that wrap modulo 2^32 and results exactly 0 and 0xffffffff. The
 * refusals are in {@link KernelRefusalTest}.
 */
class KernelRelocationTest {
    private static final I386Architecture ARCH = new I386Architecture();
    private static final LayoutPolicy LINUX = new LayoutPolicy.Linux(ARCH.moduleAreaBase());

    /** Kernel addresses for the undefined symbols of i386-kernel-types.s. */
    private static final Map<String, Long> KERNEL_SYMBOLS = Map.of(
            "printk", 0xc1000000L,
            "ext_data", 0xc2000040L,
            "ext_func", 0xc1234560L,
            "low_const", 0x12345678L);

    @TempDir
    Path work;

    @Test
    void everyKernelTypeMatchesGnuLd() {
        Path object = Fixture.copy("i386-kernel-types.o", work);
        ElfFile obj = RelocationFixtures.parse(object);

        Set<String> types = new TreeSet<>();
        for (var rs : obj.relocationSections()) {
            assertFalse(rs.isRela(), rs.section().name() + " is SHT_REL");
            for (Relocation r : rs.entries()) {
                types.add(ARCH.relocationName(r.type()));
                Site s = new Site(rs, r);
                assertNotEquals(0L, s.implicitAddend32(), () -> "zero addend in the place at " + rs.target().name()
                        + "+0x" + Long.toHexString(r.offset()));
            }
        }
        assertEquals(new TreeSet<>(Set.of("R_386_32", "R_386_PC32", "R_386_PLT32")), types,
                "types the fixture exercises");

        LdDifferential.Comparison c = LdDifferential.forMachine(Machine.EM_386)
                .compare(object, ARCH, RelocationFixtures.resolver(KERNEL_SYMBOLS), work);
        assertEquals(List.of(), c.differences());
        assertEquals(5, c.sections(), "sections compared: .text .init.text .rodata .data .bss");
        assertEquals(21, c.relocations(), "relocations compared");
    }

    // --- modulo 2^32 -------------------------------------------------------------------------

    /** Symbols whose value is given: S + A or S + A - P wraps. */
    private static final Map<String, Long> WRAPPING = Map.of(
            "wpc32_below", 0x1000L,
            "wplt32_below", 0x2000L,
            "w32_over", 0xfffffff0L,
            "w32_under", 0x10L,
            "wpc32_high", 0xfffffff0L);

    /** Symbols solved from the layout so that the site computes exactly this (mod 2^32). */
    private static final Map<String, Long> EXACT = Map.of(
            "w32_zero", 1L << 32,
            "w32_max", 0xffffffffL,
            "wpc32_zero", 0L,
            "wplt32_max", -1L);

    @Test
    void resultsWrapModulo2To32AsGnuLdWrapsThem() {
        Path object = Fixture.copy("i386-wrap.o", work);
        ElfFile obj = RelocationFixtures.parse(object);
        LinkEngine engine = new LinkEngine(ARCH);
        LoadPlan plan = engine.plan(obj, Profile.KERNEL, LINUX);

        Map<String, Long> symbols = new LinkedHashMap<>(WRAPPING);
        EXACT.forEach((symbol, result) -> {
            Site s = RelocationFixtures.site(obj, symbol);
            boolean pcRelative = !symbol.startsWith("w32");
            long value = result - s.implicitAddend32() + (pcRelative ? s.place(plan) : 0);
            assertTrue(value >= 0 && value <= 0xffffffffL, symbol + " = 0x" + Long.toHexString(value));
            symbols.put(symbol, value);
        });
        // Every site of the fixture wraps past 2^32 or below 0, lands on 0 or 0xffffffff, or (pc-relative)
        // has no signed 32-bit reading: nothing here is a value an overflow check would pass anyway.
        for (var rs : obj.relocationSections()) {
            for (Relocation r : rs.entries()) {
                Site s = new Site(rs, r);
                String symbol = obj.symbols().get(r.symbol()).name();
                boolean absolute = ARCH.relocationName(r.type()).equals("R_386_32");
                long full = symbols.get(symbol) + s.implicitAddend32() - (absolute ? 0 : s.place(plan));
                boolean wraps = full < 0 || full > 0xffffffffL;
                boolean edge = full == 0 || full == 0xffffffffL;
                boolean unsignedOnly = !absolute && full > Integer.MAX_VALUE;
                assertTrue(wraps || edge || unsignedOnly, () -> symbol + ": 0x" + Long.toHexString(full));
            }
        }

        LoadedImage image = engine.link(obj, Profile.KERNEL, LINUX, RelocationFixtures.resolver(symbols));
        EXACT.forEach((symbol, result) -> {
            Site s = RelocationFixtures.site(obj, symbol);
            ByteBuffer b = image.sectionBytes(s.section().target().index()).orElseThrow();
            assertEquals((int) (long) result, b.getInt((int) s.entry().offset()), symbol);
        });

        LdDifferential.Comparison c = LdDifferential.forMachine(Machine.EM_386).compare(object, obj, image, work);
        assertEquals(List.of(), c.differences());
        assertEquals(9, c.relocations());
    }
}
