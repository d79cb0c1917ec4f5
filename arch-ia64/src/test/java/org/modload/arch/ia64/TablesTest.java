package org.modload.arch.ia64;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.loader.diag.Location;
import org.modload.loader.diag.RelocationException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadPlan;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.Region;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.spi.Profile;
import org.modload.loader.link.TableRequest;
import org.modload.loader.testing.RelocationFixtures;

/**
 * GOT, descriptors, PLTs and gp: counted before layout, sized exactly after it, filled while
 * relocating (allocated == used, checked by the tables themselves when the load finishes),
 * placed as Linux places them, with placeholder sections or without.
 */
class TablesTest {
    private static final Ia64Architecture ARCH = new Ia64Architecture();
    private static final LayoutPolicy LINUX = new LayoutPolicy.Linux(ARCH.moduleAreaBase());

    @TempDir
    Path work;

    private static Map<String, Long> sizes(List<TableRequest> tables) {
        Map<String, Long> m = new LinkedHashMap<>();
        tables.forEach(t -> m.put(t.name(), t.size()));
        return m;
    }

    @Test
    void tablesAreCountedBeforeLayoutAndSizedExactlyAfterIt() {
        ElfFile obj = Fixtures.parse(Fixtures.copy("ia64-tables.o", work));
        // Before layout, the LTOFF22X of dat+8 may need a GOT entry (7 entries), and the branches
        // between core and init may need a PLT entry each (3 core, 2 init; their descriptors,
        // of g and init_h, are needed anyway).
        assertEquals(Map.of(".core.plt", 96L, ".init.plt", 64L, ".opd", 32L, ".got", 56L),
                sizes(new LinkEngine(ARCH).tablesBeforeLayout(List.of(obj), Profile.KERNEL).tables()));
        LoadPlan plan = new LinkEngine(ARCH).plan(obj, Profile.KERNEL, LINUX);
        // Laid out, dat+8 is within gp reach: 6 entries (ext_a, dat, ext_c, @fptr(g), ext_f, ext_g),
        // 2 descriptors (g, init_h), core PLT entries for ext_f and ext_g, an init one for ext_f.
        assertEquals(Map.of(".core.plt", 64L, ".init.plt", 32L, ".opd", 32L, ".got", 48L),
                sizes(plan.tables().tables()));
        LoadedImage image = new LinkEngine(ARCH).link(obj, Profile.KERNEL, LINUX,
                Fixtures.resolver(Fixtures.kernel(obj)));
        // finish() passed: every allocated entry holds a value; the GOT holds six distinct ones.
        var got = image.tableBytes(".got").orElseThrow();
        assertEquals(6, java.util.stream.IntStream.range(0, 6).mapToLong(i -> got.getLong(8 * i))
                .filter(v -> v != 0).distinct().count());
    }

    @Test
    void gpIsTheMiddleOfTheCoreAndTheGotIsLastInCoreData() {
        ElfFile obj = Fixtures.parse(Fixtures.copy("ia64-tables.o", work));
        LoadedImage image = new LinkEngine(ARCH).link(obj, Profile.KERNEL, LINUX,
                Fixtures.resolver(Fixtures.kernel(obj)));
        LoadPlan plan = image.plan();
        long gp = image.archSymbols().get("__gp");
        assertEquals(plan.coreBase() + ((plan.coreSize() / 2 + 7) & -8L), gp);
        List<PlacedSection> core = plan.placed().stream().filter(p -> p.region() == Region.CORE && p.size() > 0)
                .collect(Collectors.toList());
        assertEquals(".got", core.get(core.size() - 1).name(), "last piece of core");
        assertEquals(".core.plt", plan.placed().stream().filter(p -> p.address() > plan.table(".core.plt")
                .orElseThrow().address() - 1).findFirst().orElseThrow().name());
        PlacedSection initPlt = plan.table(".init.plt").orElseThrow();
        assertEquals(Region.INIT, initPlt.region());
        assertTrue(LinuxGp.addressable(plan.table(".got").orElseThrow().address(), gp));
    }

    @Test
    void aCoreLargerThan4MiBPutsGp2MiBBeforeItsEnd() {
        Path object = Fixtures.copy("ia64-bigcore.o", work);
        ElfFile obj = Fixtures.parse(object);
        Map<String, SymbolDefinition> defs = Fixtures.kernel(obj);
        LoadedImage image = new LinkEngine(ARCH).link(obj, Profile.KERNEL, LINUX, Fixtures.resolver(defs));
        LoadPlan plan = image.plan();
        assertTrue(plan.coreSize() > LinuxGp.MAX_LTOFF);
        long gp = image.archSymbols().get("__gp");
        assertEquals(plan.coreBase() + ((plan.coreSize() - LinuxGp.MAX_LTOFF / 2 + 7) & -8L), gp);
        Oracle.Report r = new Oracle(obj, image, defs, PltTemplate.BRL).check(object, work);
        assertEquals(List.of(), r.failures());
        assertEquals(Map.of("ltoff (GOT)", 1, "gprel (= ld)", 1), r.verified());
    }

    @Test
    void threeBundlePltEntriesForCoresWithoutBrl() {
        Oracle.Report r = DifferentialTest.check("ia64-tables.o", new Ia64Architecture(false), PltTemplate.NO_BRL,
                work);
        assertEquals(List.of(), r.failures());
        assertEquals(3, r.verified().get("pcrel21b via PLT"));
        ElfFile obj = Fixtures.parse(work.resolve("ia64-tables.o"));
        assertEquals(Map.of(".core.plt", 96L, ".init.plt", 48L, ".opd", 32L, ".got", 48L),
                sizes(new LinkEngine(new Ia64Architecture(false)).plan(obj, Profile.KERNEL, LINUX).tables().tables()));
    }

    /** Linked with module.lds, the object carries 1-byte placeholders; the tables take their place. */
    @Test
    void placeholderSectionsOfModuleLdsAreReplacedByTheTables() {
        Oracle.Report r = DifferentialTest.check("ia64-tables-lds.o", ARCH, PltTemplate.BRL, work);
        assertEquals(List.of(), r.failures());
        assertEquals(24, r.total());
        ElfFile obj = Fixtures.parse(work.resolve("ia64-tables-lds.o"));
        LoadPlan plan = new LinkEngine(ARCH).plan(obj, Profile.KERNEL, LINUX);
        for (String table : List.of(".core.plt", ".init.plt", ".opd", ".got")) {
            List<PlacedSection> named = plan.placed().stream().filter(p -> p.name().equals(table)).toList();
            assertEquals(1, named.size(), table);
            assertTrue(named.get(0).isTable(), table);
        }
    }

    /** Pinned by name, a table goes where the layout says, placeholder or not. */
    @Test
    void tablesCanBePinned() {
        ElfFile obj = Fixtures.parse(Fixtures.copy("ia64-tables-lds.o", work));
        LoadPlan plan = new LinkEngine(ARCH).plan(obj, Profile.KERNEL,
                new LayoutPolicy.Explicit(Map.of(".got", 0xa000000300000000L, ".text", 0xa000000300100000L), 0));
        assertEquals(0xa000000300000000L, plan.table(".got").orElseThrow().address());
        assertEquals(48L, plan.table(".got").orElseThrow().size());
    }

    @Test
    void aCallWhoseDescriptorIsUnknownIsALocatedError() {
        ElfFile obj = Fixtures.parse(Fixtures.copy("ia64-tables.o", work));
        Map<String, SymbolDefinition> defs = new LinkedHashMap<>(Fixtures.kernel(obj));
        long address = defs.get("ext_f").address();
        defs.put("ext_f", SymbolDefinition.at(address));
        RelocationException e = assertThrows(RelocationException.class,
                () -> new LinkEngine(ARCH).link(obj, Profile.KERNEL, LINUX, Fixtures.resolver(defs)));
        int text = obj.section(".text").orElseThrow().index();
        assertAll(
                () -> assertEquals(RelocationException.Reason.INVALID, e.reason()),
                () -> assertEquals("R_IA64_PLTOFF64I", e.type()),
                () -> assertEquals("ext_f", e.symbol()),
                () -> assertEquals(OptionalLong.of(address), e.value()),
                () -> assertEquals(new Location("ia64-tables.o", OptionalInt.of(text), ".text", OptionalLong.of(0x61)),
                        e.location()),
                () -> assertEquals("ia64-tables.o:(.text+0x61): relocation R_IA64_PLTOFF64I: a PLT entry needs the"
                        + " contents (ip, gp) of the function descriptor at 0x" + Long.toHexString(address)
                        + ", which the symbol resolver did not give; references 'ext_f'", e.getMessage()));
    }

    /**
     * With init pinned 1 GiB away from core (each PLT pinned next to its text), the branches between them go through a descriptor
     * and a PLT entry of the caller's region (Linux: "if the branch won't reach, then allocate a
     * plt for it"); the tables grow by exactly those entries.
     */
    @Test
    void branchesBetweenFarCoreAndInitGoThroughThePlt() {
        ElfFile obj = Fixtures.parse(Fixtures.copy("ia64-tables.o", work));
        Map<String, SymbolDefinition> defs = Fixtures.kernel(obj);
        long base = ARCH.moduleAreaBase();
        LayoutPolicy far = new LayoutPolicy.Explicit(Map.of(".text", base, ".core.plt", base + 0x1000,
                ".init.text", base + (1L << 30), ".init.plt", base + (1L << 30) + 0x1000), 0);
        LoadedImage image = new LinkEngine(ARCH).link(obj, Profile.KERNEL, far, Fixtures.resolver(defs));
        assertEquals(Map.of(".core.plt", 96L, ".init.plt", 64L, ".opd", 32L, ".got", 48L),
                sizes(image.plan().tables().tables()));
        Oracle.Report r = new Oracle(obj, image, defs, PltTemplate.BRL).checkWithoutLd();
        assertEquals(List.of(), r.failures());
        assertEquals(5, r.verified().get("pcrel21b via PLT"));
        assertEquals(null, r.verified().get("pcrel21b direct (formula)"));
    }

    /** A GOT pinned beyond gp's reach: the LTOFF22 offset does not fit, located. */
    @Test
    void aGotOutOfGpReachIsRefused() {
        ElfFile obj = Fixtures.parse(Fixtures.copy("ia64-tables.o", work));
        long got = ARCH.moduleAreaBase() - (1L << 30);
        LayoutPolicy policy = new LayoutPolicy.Explicit(Map.of(".got", got), ARCH.moduleAreaBase());
        LoadPlan plan = new LinkEngine(ARCH).plan(obj, Profile.KERNEL, policy);
        long gp = LinuxGp.of(plan.coreBase(), plan.coreSize());
        RelocationException e = assertThrows(RelocationException.class, () -> new LinkEngine(ARCH).link(obj,
                Profile.KERNEL, policy, Fixtures.resolver(Fixtures.kernel(obj))));
        long value = got - gp;
        RelocationFixtures.assertOutOfRange(e, obj, ".text", 0, "R_IA64_LTOFF22", "ext_a", value, -(1L << 21),
                (1L << 21) - 1, "ia64-tables.o:(.text+0x0): relocation R_IA64_LTOFF22 out of range: " + value
                        + " is not in [-2097152, 2097151]; references 'ext_a'");
    }

    /**
     * Data pinned beyond gp's reach: the LTOFF22X of dat+8 keeps its GOT entry and its LDXMOV
     * keeps the ld8, and the GOT, counted after the trial layout, has room for exactly that.
     */
    @Test
    void anLtoff22xBeyondGpReachKeepsItsGotEntry() {
        Path object = Fixtures.copy("ia64-tables.o", work);
        ElfFile obj = Fixtures.parse(object);
        Map<String, SymbolDefinition> defs = Fixtures.kernel(obj);
        LayoutPolicy policy = new LayoutPolicy.Explicit(Map.of(".data", ARCH.moduleAreaBase() - (1L << 30)),
                ARCH.moduleAreaBase());
        LoadedImage image = new LinkEngine(ARCH).link(obj, Profile.KERNEL, policy, Fixtures.resolver(defs));
        assertEquals(56L, image.plan().table(".got").orElseThrow().size(), "7 GOT entries");
        Oracle.Report r = new Oracle(obj, image, defs, PltTemplate.BRL).checkWithoutLd();
        assertEquals(List.of(), r.failures());
        assertEquals(2, r.verified().get("ltoff22x (GOT)"));
        assertEquals(2, r.verified().get("ldxmov (ld8 kept)"));
        assertEquals(null, r.verified().get("ltoff22x relaxed to gprel"));
    }

    /** Linux accepts a long instruction's relocation at slot 1 (as gas writes it) or slot 2. */
    @Test
    void imm64AtSlot2IsAcceptedLikeSlot1() {
        ElfFile slot2 = Fixtures.parse(Fixtures.copy("ia64-imm64slot2.o", work));
        ElfFile slot1 = Fixtures.parse(Fixtures.copy("ia64-refuse-imm64slot0.o", work));
        var resolver = Fixtures.resolver(Map.of("ext_a", Fixtures.data(0xa000000100001000L)));
        LoadedImage image = new LinkEngine(ARCH).link(slot2, Profile.KERNEL, LINUX, resolver);
        var text = image.sectionBytes(slot2.section(".text").orElseThrow().index()).orElseThrow();
        long data = image.plan().section(slot2.section(".data").orElseThrow().index()).orElseThrow().address();
        assertEquals(data, Bundles.imm64(text, 0x10));
        assertEquals(slot1.section(".text").orElseThrow().size(), slot2.section(".text").orElseThrow().size());
    }
}
