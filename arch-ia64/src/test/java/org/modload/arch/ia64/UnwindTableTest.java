package org.modload.arch.ia64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.SectionFlags;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.Region;
import org.modload.loader.spi.Profile;

/**
 * The unwind tables of the gcc corpus after relocation: every entry is absolute (its code range
 * lies in a placed code section of the region it is registered for, its info in
 * {@code .IA_64.unwind_info}), and the split into core and init covers every entry once.
 */
class UnwindTableTest {
    private static final Ia64Architecture ARCH = new Ia64Architecture();

    @TempDir
    Path work;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gcc/chardev-O0.o", "gcc/chardev-O2.o", "gcc/table-O2.o", "gcc/tiny-Os.o", "gcc/table-O2autopic.o",
        "gcc-lds/chardev-O0.o", "gcc-lds/chardev-O2.o", "gcc-lds/table-O2.o", "gcc-lds/tiny-Os.o"})
    void entriesAreAbsoluteAndSplitByRegion(String fixture) {
        ElfFile obj = Fixtures.parse(Fixtures.copy(fixture, work));
        LoadedImage image = new LinkEngine(ARCH).link(obj, Profile.KERNEL, new LayoutPolicy.Linux(ARCH.moduleAreaBase()),
                Fixtures.resolver(Fixtures.kernel(obj)));
        List<ByteBuffer> unwind = new ArrayList<>();
        List<PlacedSection> info = new ArrayList<>();
        long entries = 0;
        for (PlacedSection p : image.plan().placed()) {
            if (p.name().startsWith(".IA_64.unwind_info")) {
                info.add(p);
            } else if (p.name().startsWith(".IA_64.unwind")) {
                unwind.add(image.bytes(p));
                entries += p.size() / 24;
            }
        }
        UnwindTable t = UnwindTable.of(unwind, image.plan().initBase(), image.plan().initSize(),
                image.archSymbols().get("__gp"));
        assertEquals(entries, t.core().size() + t.init().size());
        assertTrue(!t.init().isEmpty(), "init code has unwind entries");
        for (UnwindTable.Entry e : t.core()) {
            assertCode(image, obj, e, Region.CORE, info);
        }
        for (UnwindTable.Entry e : t.init()) {
            assertCode(image, obj, e, Region.INIT, info);
        }
    }

    private static void assertCode(LoadedImage image, ElfFile obj, UnwindTable.Entry e, Region region,
            List<PlacedSection> info) {
        PlacedSection code = image.plan().placed().stream()
                .filter(p -> !p.isTable() && Long.compareUnsigned(e.start() - p.address(), p.size()) < 0)
                .findFirst().orElseThrow(() -> new AssertionError("no section holds 0x" + Long.toHexString(e.start())));
        assertEquals(region, code.region());
        assertTrue((obj.section(code.sectionIndex()).header().flags() & SectionFlags.SHF_EXECINSTR) != 0);
        assertTrue(Long.compareUnsigned(e.end() - code.address(), code.size()) <= 0, "end within the section");
        assertTrue(info.stream().anyMatch(i -> Long.compareUnsigned(e.info() - i.address(), i.size()) < 0),
                "info within .IA_64.unwind_info");
    }
}
