package org.modload.kernel.realkernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.Kernel;
import org.modload.kernel.boot.KernelBoot;
import org.modload.kernel.image.KernelBuildConfig;
import org.modload.kernel.model.KernelConfig;
import org.modload.kernel.model.KernelSymbol;
import org.modload.kernel.model.Keyring;
import org.modload.kernel.model.ModuleView;
import org.modload.kernel.proc.ProcFs;
import org.modload.kernel.sig.Certificates;
import org.modload.loader.elf.Symbol;

/**
 * The real kernel as the oracle in the default build, from captures committed with the script
 * that made them ({@code capture/regen.sh}: Debian 12's amd64 and 686 kernels booted under qemu
 * by {@code src/test/realkernel/boot.sh}, loading xfrm_algo, af_key and our per-cpu fixture):
 * kernel-sim, booted with the kernel symbols the guest's /proc/kallsyms gave and the kernel's
 * build options, loads the same modules at the guest's addresses, and /proc/modules, sysfs,
 * /proc/kallsyms and the core memory must agree as in {@link RealKernelCorpusTest}. The per-cpu
 * fixture's pointers to per-cpu data, in writable data where a run-time write would be excused,
 * are checked word by word against the kernel's memory.
 */
class RealKernelCaptureTest {
    private static final Path CAPTURES = Path.of("src/test/resources/org/modload/kernel/realkernel/capture");
    private static final Path FIXTURE = Path.of("src/test/resources/org/modload/kernel/realkernel/fixture");

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "686"})
    void kernelSimAgreesWithTheCapturedKernel(String flavour) throws IOException {
        Path dir = CAPTURES.resolve(flavour);
        Capture capture = Capture.read(dir);
        List<GuestModule> order = new ArrayList<>();
        for (String m : List.of("xfrm_algo", "af_key")) {
            order.add(GuestModule.read(dir.resolve("modules").resolve(m + ".ko")));
        }
        order.add(GuestModule.read(FIXTURE.resolve(flavour).resolve("percpu_demo.ko")));

        Map<String, Long> kernelData = kernelData(capture, order.get(2), flavour);
        for (Map.Entry<String, Long> e : kernelData.entrySet()) {
            Long listed = capture.kernelSymbols().get(e.getKey());
            assertTrue(listed == null || listed.equals(e.getValue()), e.getKey() + ": kallsyms says " + listed
                    + ", the fixture's pointer " + e.getValue());
        }
        // The guest verified the Debian modules' signatures with its built-in key: so does kernel-sim.
        Keyring keyring = new Keyring(Certificates.read(dir.resolve("system-certificate.der")));
        Kernel kernel = Kernel.boot(config(capture, kernelData, order.get(0),
                KernelBuildConfig.read(dir.resolve("build-config"))).withKeyring(keyring));
        OptionalLong field = SimulatedLoad.percpuFieldByScan(capture, order, kernel.addressBits());
        assertTrue(field.isPresent(), "struct module's percpu field found in the kernel's memory");
        SimulatedLoad.Result sim = SimulatedLoad.run(kernel, capture, order, field);
        Differential.Report report = Differential.compare(capture, kernel, sim, order);
        System.out.printf("real kernel capture %s: %s%n", flavour, report.summary());

        assertEquals(3, capture.procModules().size(), "the guest loaded all three: " + capture.insmods());
        assertEquals(List.of(), report.differences());
        assertEquals(List.of(), report.explained());
        assertEquals(report.procLines(), report.procIdentical());
        assertEquals(report.kallsymsLines(), report.kallsymsIdentical());
        assertEquals(0, report.unexplainedBytes());
        assertPerCpuPointers(capture, kernel, order.get(2));
    }

    /**
     * The fixture's {@code pcpu_counter_ptr} and {@code pcpu_hits_ptr} (.data, relocated against
     * per-cpu symbols) hold per-cpu addresses, the same in the kernel's memory and kernel-sim's;
     * /proc/kallsyms shows the per-cpu symbols with letter {@code a}, {@code A} when exported.
     */
    private static void assertPerCpuPointers(Capture capture, Kernel kernel, GuestModule fixture) {
        ModuleView v = kernel.module("percpu_demo").orElseThrow();
        Capture.Dump real = capture.memory().get("percpu_demo");
        boolean wide = kernel.addressBits() == 64;
        long percpu = v.percpu().orElseThrow().address();
        for (String ptr : List.of("pcpu_counter_ptr", "pcpu_hits_ptr")) {
            long at = v.symbols().stream().filter(s -> s.name().equals(ptr)).findFirst().orElseThrow().address();
            ByteBuffer b = ByteBuffer.wrap(real.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            int off = (int) (at - real.address());
            long kernelValue = wide ? b.getLong(off) : b.getInt(off) & 0xffffffffL;
            ByteBuffer ours = ByteBuffer.wrap(ProcFs.kcore(kernel, at, wide ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
            long simValue = wide ? ours.getLong(0) : ours.getInt(0) & 0xffffffffL;
            assertEquals(kernelValue, simValue, ptr);
            assertTrue(Long.compareUnsigned(simValue - percpu, 0x24) < 0, ptr + " points into the per-cpu data");
        }
        Symbol counter = fixture.object().symbols().stream().filter(s -> s.name().equals("pcpu_counter")).findFirst()
                .orElseThrow();
        String line = String.format(wide ? "%016x A pcpu_counter\t[percpu_demo]" : "%08x A pcpu_counter\t[percpu_demo]",
                percpu + counter.value());
        boolean kallsymsAll = kernel.config().kallsymsAll();
        assertEquals(kallsymsAll, capture.kallsyms().get("percpu_demo").contains(line), line);
        assertEquals(kallsymsAll, ProcFs.kallsyms(kernel).contains(line), line);
    }

    /**
     * The kernel data symbols the fixture points to ({@code percpu_demo_kernel_data}), each the
     * word the kernel wrote there when it relocated the fixture: the only source of their
     * addresses when the kernel's /proc/kallsyms lists no data symbols (686, without
     * CONFIG_KALLSYMS_ALL). Those words of the fixture are so compared with themselves.
     */
    private static Map<String, Long> kernelData(Capture capture, GuestModule fixture, String flavour) {
        List<String> names = flavour.equals("amd64") ? List.of("__preempt_count", "kmalloc_caches")
                : List.of("__preempt_count", "kmalloc_caches", "__stack_chk_guard");
        boolean wide = flavour.equals("amd64");
        long array = fixture.object().symbols().stream().filter(x -> x.name().equals("percpu_demo_kernel_data"))
                .findFirst().orElseThrow().value();
        long data = capture.sysfs().get("percpu_demo").sections().get(".data");
        Capture.Dump real = capture.memory().get("percpu_demo");
        ByteBuffer b = ByteBuffer.wrap(real.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            int off = (int) (data + array - real.address()) + i * (wide ? 8 : 4);
            out.put(names.get(i), wide ? b.getLong(off) : b.getInt(off) & 0xffffffffL);
        }
        return out;
    }

    /**
     * A kernel with what the capture says of the real one: its release, the addresses of the
     * kernel symbols the modules import (from /proc/kallsyms, else from {@code kernelData}), the
     * machine of its modules, its build options, and
     * modversions (whose taint for exports without CRCs the fixture shows; the capture has no
     * CRCs, so none is compared).
     */
    private static KernelConfig config(Capture capture, Map<String, Long> kernelData, GuestModule any,
            KernelBuildConfig build) {
        Map<String, Long> symbols = new TreeMap<>(kernelData);
        symbols.putAll(capture.kernelSymbols());
        List<KernelSymbol> exports = new ArrayList<>();
        for (Map.Entry<String, Long> e : symbols.entrySet()) {
            exports.add(new KernelSymbol(e.getKey(), e.getValue(), OptionalLong.empty(), false, "",
                    KernelSymbol.VMLINUX));
        }
        KernelConfig c = new KernelConfig(any.object().machine(), capture.release(), Optional.empty(),
                OptionalLong.empty(), true, exports, 1L << 30);
        return KernelBoot.withBuildConfig(c, build);
    }
}
