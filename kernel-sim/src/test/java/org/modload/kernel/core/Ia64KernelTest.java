package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.ModuleHooks;
import org.modload.kernel.TestKernels;
import org.modload.kernel.model.KernelSymbol;
import org.modload.kernel.model.ModuleState;
import org.modload.kernel.model.ModuleView;
import org.modload.loader.elf.Machine;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.Region;
import org.modload.loader.spi.FunctionDescriptor;
import org.modload.loader.spi.RegisteredTable;

/**
 * ia64 modules end to end in the simulated kernel: the gcc-compiled chardev objects made into
 * modules as kbuild does (test resources org/modload/kernel/ia64, regen.sh), loaded against the
 * built-in ia64 kernel, whose functions are function descriptors. Every module's export is a
 * descriptor in the module's own .opd holding the function's ip and the module's gp; its unwind
 * tables are registered per region and the init one goes with init memory.
 */
class Ia64KernelTest {

    private static ByteBuffer module(String name) {
        try (InputStream in = Ia64KernelTest.class.getResourceAsStream("/org/modload/kernel/ia64/" + name + ".ko")) {
            return ByteBuffer.wrap(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"chardev_o2", "chardev_os", "chardev_o0", "chardev_o2cgp", "chardev_o2autopic"})
    void gccBuiltModuleLoadsWithDescriptorsAndUnwindTables(String name) {
        Kernel kernel = Kernel.boot(TestKernels.builtin(Machine.EM_IA_64));
        java.util.Set<Region> duringInit = java.util.EnumSet.noneOf(Region.class);
        ModuleHooks hooks = new ModuleHooks() {
            @Override
            public int init(Kernel k, ModuleView mod) {
                mod.archTables().forEach(u -> duringInit.add(u.init() ? Region.INIT : Region.CORE));
                return 0;
            }

            @Override
            public void exit(Kernel k, ModuleView mod) {
                // nothing to run
            }
        };
        ModuleView m = kernel.load(name + ".ko", module(name), LoadOptions.defaults().withHooks(hooks));
        assertEquals(java.util.EnumSet.of(Region.CORE, Region.INIT), duringInit, "unwind tables registered while init runs");
        KernelSymbol export = m.exports().get(0);
        PlacedSection text = m.image().plan().placed().stream().filter(p -> p.name().equals(".text")).findFirst()
                .orElseThrow();
        if (name.endsWith("autopic")) {
            // -mauto-pic code has no descriptors: the export (DIR64LSB) is the code address itself.
            assertAll(
                    () -> assertTrue(export.address() >= text.address() && export.address() < text.address() + text.size()),
                    () -> assertTrue(export.descriptor().isEmpty()));
            return;
        }
        PlacedSection opd = m.image().plan().table(".opd").orElseThrow();
        long gp = m.image().archSymbols().get("__gp");
        ByteBuffer opdBytes = m.image().bytes(opd).order(ByteOrder.LITTLE_ENDIAN);
        int at = (int) (export.address() - opd.address());
        assertAll(
                () -> assertEquals(ModuleState.LIVE, m.state()),
                () -> assertEquals(List.of("chardev_opens"), m.exports().stream().map(KernelSymbol::name).toList()),
                () -> assertTrue(export.address() >= opd.address() && export.address() < opd.address() + opd.size(),
                        "the export is a descriptor in the module's .opd"),
                () -> assertEquals(opdBytes.getLong(at), export.descriptor().orElseThrow().ip()),
                () -> assertEquals(gp, export.descriptor().orElseThrow().gp()),
                () -> assertTrue(export.descriptor().orElseThrow().ip() >= text.address()
                        && export.descriptor().orElseThrow().ip() < text.address() + text.size(), "ip in .text"),
                () -> assertTrue(kernel.findSymbol("chardev_opens").isPresent()));
        // Registered per region; init's is gone now that init memory is released.
        List<RegisteredTable> unwind = kernel.module(m.name()).orElseThrow().archTables();
        assertTrue(unwind.stream().allMatch(u -> !u.init() && u.kind().equals("unwind")) && !unwind.isEmpty(),
                unwind.toString());
        kernel.deleteModule(m.name(), false);
        assertEquals(0, kernel.memoryInUse());
    }
}
