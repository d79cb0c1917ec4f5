package org.modload.arch.ia64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.spi.Profile;

/**
 * The assembled fixtures against GNU ld at the engine's addresses and {@code __gp}: the sites
 * ld means the same way hold ld's bits, the table sites decode to what they must reach.
 */
class DifferentialTest {
    private static final Ia64Architecture ARCH = new Ia64Architecture();
    private static final LayoutPolicy LINUX = new LayoutPolicy.Linux(ARCH.moduleAreaBase());

    @TempDir
    Path work;

    static Oracle.Report check(String fixture, Ia64Architecture arch, PltTemplate template, Path work) {
        Path object = Fixtures.copy(fixture, work);
        ElfFile obj = Fixtures.parse(object);
        Map<String, SymbolDefinition> defs = Fixtures.kernel(obj);
        LoadedImage image = new LinkEngine(arch).link(obj, Profile.KERNEL, LINUX, Fixtures.resolver(defs));
        Oracle.Report r = new Oracle(obj, image, defs, template).check(object, work);
        System.out.println(fixture + ": " + r.verified() + " (" + r.bytesCompared() + " unpatched bytes = ld)");
        return r;
    }

    @Test
    void sharedSitesMatchGnuLdBitForBit() {
        Oracle.Report r = check("ia64-shared.o", ARCH, PltTemplate.BRL, work);
        assertEquals(List.of(), r.failures());
        // Every site but the init-to-core brl, which ld turns into a br because a br reaches.
        assertEquals(Map.of("direct (= ld)", 6, "gprel (= ld)", 4, "pcrel (= ld)", 5, "pcrel21b direct (= ld)", 2,
                "secrel (= ld)", 2, "pcrel60b (ld relaxed it to br)", 1), r.verified());
        assertTrue(r.bytesCompared() > 200, "unpatched bytes compared");
    }

    @Test
    void tableSitesDecodeToTheirTargets() {
        Oracle.Report r = check("ia64-tables.o", ARCH, PltTemplate.BRL, work);
        assertEquals(List.of(), r.failures());
        assertEquals(Map.ofEntries(Map.entry("ltoff (GOT)", 3), Map.entry("ltoff22x relaxed to gprel", 1),
                Map.entry("ltoff22x (GOT)", 1), Map.entry("ldxmov (ld8 -> mov)", 1), Map.entry("ldxmov (ld8 kept)", 1),
                Map.entry("ltoff_fptr (GOT -> descriptor)", 4), Map.entry("fptr (descriptor)", 4),
                Map.entry("pltoff (PLT entry)", 2), Map.entry("pcrel21b via PLT", 3),
                Map.entry("pcrel21b direct (= ld)", 2), Map.entry("segrel (base 0)", 2)), r.verified());
    }

    @Test
    void typesGasCannotEmitFollowLinuxFormulas() {
        Path object = Fixtures.copy("ia64-special.o", work);
        ElfFile obj = Fixtures.parse(object);
        Map<String, SymbolDefinition> defs = Fixtures.kernel(obj);
        LoadedImage image = new LinkEngine(ARCH).link(obj, Profile.KERNEL, LINUX, Fixtures.resolver(defs));
        Oracle.Report r = new Oracle(obj, image, defs, PltTemplate.BRL).checkWithoutLd();
        System.out.println("ia64-special.o: " + r.verified());
        assertEquals(List.of(), r.failures());
        assertEquals(Map.of("sub", 1, "pcrel21bi", 1, "bdrel", 2, "iplt (descriptor -> PLT entry)", 1,
                "secrel (Linux: patched section's base)", 1), r.verified());
    }

    /**
     * Linux's @pltoff is the PLT entry's address: an IMM22 holds it only for a module below
     * 2 MiB (elsewhere it is refused, see RefusalTest); there the addl carries the entry's address.
     */
    @Test
    void pltoff22HoldsThePltEntryOfAModuleBelow2MiB() {
        Path object = Fixtures.copy("ia64-refuse-pltoff22.o", work);
        ElfFile obj = Fixtures.parse(object);
        Map<String, SymbolDefinition> defs = Map.of("ext_a", Fixtures.data(0x1000),
                "ext_f", Fixtures.function(0x2000, 0x3000, 0x4000));
        LoadedImage image = new LinkEngine(ARCH).link(obj, Profile.KERNEL, new LayoutPolicy.Linux(0x10000),
                Fixtures.resolver(defs));
        var text = image.sectionBytes(obj.section(".text").orElseThrow().index()).orElseThrow();
        long entry = Bundles.decodeImm22(Bundles.slot(text, 0x10, 1));
        assertEquals(image.plan().table(".core.plt").orElseThrow().address(), entry);
        long[] ipGp = new ImageMemory(image).pltEntry(PltTemplate.BRL, entry);
        assertEquals(0x3000, ipGp[0]);
        assertEquals(0x4000, ipGp[1]);
    }

    /** Together the fixtures exercise every type KERNEL applies. */
    @Test
    void fixturesCoverEveryTypeKernelApplies() {
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (String f : List.of("ia64-shared.o", "ia64-tables.o", "ia64-special.o", "ia64-refuse-pltoff22.o")) {
            ElfFile obj = Fixtures.parse(Fixtures.copy(f, work));
            obj.relocationSections().forEach(rs -> rs.entries().forEach(r -> seen.add(ARCH.relocationName(r.type()))));
        }
        java.util.Set<String> applied = new java.util.TreeSet<>();
        for (Ia64Relocation r : Ia64Relocation.values()) {
            if (ARCH.applies(r, Profile.KERNEL)) {
                applied.add(r.name());
            }
        }
        assertEquals(applied, seen);
    }
}
