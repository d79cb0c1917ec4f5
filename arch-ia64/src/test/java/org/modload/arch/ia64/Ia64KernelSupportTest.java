package org.modload.arch.ia64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Relocation;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.Region;
import org.modload.loader.spi.FunctionDescriptor;
import org.modload.loader.spi.KernelSupport;
import org.modload.loader.spi.ModuleMemory;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.RegisteredTable;

/**
 * The kernel-side hook of ia64 on the gcc corpus: the unwind tables it registers cover exactly
 * the entries {@link UnwindTable} (the tests' own decoder) finds per region, and the
 * descriptor it reads at every {@code R_IA64_FPTR64LSB} place holds the function's address and
 * the module's gp.
 */
class Ia64KernelSupportTest {
    private static final Ia64Architecture ARCH = new Ia64Architecture();
    private static final int R_IA64_FPTR64LSB = 0x47;

    @TempDir
    Path work;

    private LoadedImage link(ElfFile obj) {
        return new LinkEngine(ARCH).link(obj, Profile.KERNEL, new LayoutPolicy.Linux(ARCH.moduleAreaBase()),
                Fixtures.resolver(Fixtures.kernel(obj)));
    }

    /** The image as the kernel hands it to the hook. */
    private static ModuleMemory memory(LoadedImage image) {
        List<ModuleMemory.Piece> pieces = new ArrayList<>();
        for (PlacedSection p : image.plan().placed()) {
            pieces.add(new ModuleMemory.Piece(p.name(), p.sectionIndex(), p.address(), p.size(),
                    p.region() == Region.INIT, image.bytes(p)));
        }
        var plan = image.plan();
        return new ModuleMemory(pieces, plan.coreBase(), plan.coreSize(), plan.initBase(), plan.initSize());
    }

    @Test
    void theArchitectureHandsOutItsHook() {
        assertTrue(ARCH.kernelSupport() instanceof Ia64KernelSupport);
        assertTrue(ARCH.kernelSupport().functionDescriptors());
        assertEquals(OptionalLong.of(0xa000000100000000L), ARCH.kernelSupport().kernelTextBase());
        assertEquals(List.of(), KernelSupport.NONE.finalizeModule(null, null));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gcc/chardev-O0.o", "gcc/chardev-O2.o", "gcc/table-O2.o", "gcc/tiny-Os.o"})
    void unwindTablesAreRegisteredPerRegion(String fixture) {
        ElfFile obj = Fixtures.parse(Fixtures.copy(fixture, work));
        LoadedImage image = link(obj);
        List<RegisteredTable> tables = ARCH.kernelSupport().finalizeModule(obj, memory(image));
        List<ByteBuffer> unwind = new ArrayList<>();
        for (PlacedSection p : image.plan().placed()) {
            if (p.name().startsWith(".IA_64.unwind") && !p.name().startsWith(".IA_64.unwind_info")) {
                unwind.add(image.bytes(p));
            }
        }
        UnwindTable decoded = UnwindTable.of(unwind, image.plan().initBase(), image.plan().initSize(),
                image.archSymbols().get("__gp"));
        long core = tables.stream().filter(t -> !t.init()).mapToLong(RegisteredTable::entries).sum();
        long init = tables.stream().filter(RegisteredTable::init).mapToLong(RegisteredTable::entries).sum();
        assertEquals(decoded.core().size(), core, tables.toString());
        assertEquals(decoded.init().size(), init, tables.toString());
        assertTrue(tables.stream().allMatch(t -> t.kind().equals("unwind") && t.section().startsWith(".IA_64.unwind")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gcc/chardev-O0.o", "gcc/chardev-O2.o", "gcc/table-O2.o"})
    void everyFunctionPointerIsADescriptorTheHookReads(String fixture) {
        ElfFile obj = Fixtures.parse(Fixtures.copy(fixture, work));
        LoadedImage image = link(obj);
        ModuleMemory memory = memory(image);
        long gp = image.archSymbols().get("__gp");
        int checked = 0;
        for (RelocationSection rs : obj.relocationSections()) {
            Optional<PlacedSection> target = image.plan().section(rs.target().index());
            if (target.isEmpty()) {
                continue;
            }
            for (Relocation r : rs.entries()) {
                if (r.type() != R_IA64_FPTR64LSB || obj.symbols().get(r.symbol()).isUndefined()) {
                    continue;
                }
                long place = image.bytes(target.get()).order(ByteOrder.LITTLE_ENDIAN).getLong((int) r.offset());
                long ip = image.symbols().value(r.symbol()) + r.addend().orElse(0);
                assertEquals(Optional.of(new FunctionDescriptor(ip, gp)), ARCH.kernelSupport().functionDescriptor(memory, place),
                        "descriptor at 0x" + Long.toHexString(place));
                checked++;
            }
        }
        assertTrue(checked > 0, "the fixture has function pointers to its own functions");
        PlacedSection opd = image.plan().table(".opd").orElseThrow();
        assertEquals(Optional.empty(), ARCH.kernelSupport().functionDescriptor(memory, opd.address() + opd.size() - 8),
                "a descriptor must lie wholly inside .opd");
        assertEquals(Optional.empty(), ARCH.kernelSupport().functionDescriptor(memory, opd.address() - 16));
    }
}
