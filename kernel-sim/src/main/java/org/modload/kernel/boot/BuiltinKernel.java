package org.modload.kernel.boot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.kernel.model.KernelConfig;
import org.modload.kernel.model.KernelSymbol;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.FunctionDescriptor;
import org.modload.loader.spi.KernelSupport;

/**
 * A small built-in kernel symbol table for any architecture, for the embedded demo and for
 * tests: the services sample modules call (printk, kmalloc, kfree, module references, hook
 * registration) at stable, made-up addresses inside the kernel's text, which starts where the
 * architecture's {@link KernelSupport#kernelTextBase()} says (else where {@link SyntheticSymbols}
 * puts the kernel for the ELF class). On an architecture with function descriptors each function
 * service's symbol is a descriptor {ip, gp} in a descriptor area of the kernel, all with the
 * kernel's gp, as such kernels link their own functions.
 */
public final class BuiltinKernel {
    private static final List<String> SERVICES = List.of(
            "_printk", "printk", "__kmalloc", "kmalloc", "kfree", "try_module_get", "module_put",
            "__fentry__", "__x86_return_thunk", "__stack_chk_fail", "register_chrdev", "unregister_chrdev",
            "register_netdevice_notifier", "unregister_netdevice_notifier", "memcpy", "memset", "strlen",
            "jiffies", "init_net", "kmalloc_caches", "__preempt_count");

    /** The services that are data, not functions: no descriptor even where functions have one. */
    private static final List<String> DATA = List.of("jiffies", "init_net", "kmalloc_caches", "__preempt_count");
    private static final long SERVICES_OFFSET = 0x100000;
    private static final long STRIDE = 0x40;
    /** Where descriptors and the gp they carry lie, from the text base. */
    private static final long DESCRIPTORS_OFFSET = 0xc00000;
    private static final long GP_OFFSET = 0x1000000;
    private static final int DESCRIPTOR_SIZE = 16;
    private static final long MODULE_AREA = 1L << 30;

    private BuiltinKernel() {
    }

    /**
     * The built-in kernel of {@code arch}: its services as exports (no CRCs), no vermagic or
     * struct module size check, a 1 GiB module area. Changes nothing.
     */
    public static KernelConfig config(Architecture arch) {
        KernelSupport support = arch.kernelSupport();
        long text = support.kernelTextBase().orElseGet(() -> SyntheticSymbols.forArchitecture(arch).textBase());
        List<KernelSymbol> exports = new ArrayList<>();
        for (int i = 0; i < SERVICES.size(); i++) {
            String name = SERVICES.get(i);
            long entry = text + SERVICES_OFFSET + i * STRIDE;
            if (support.functionDescriptors() && !DATA.contains(name)) {
                long descriptor = text + DESCRIPTORS_OFFSET + (long) i * DESCRIPTOR_SIZE;
                exports.add(new KernelSymbol(name, descriptor, OptionalLong.empty(), false, "", KernelSymbol.VMLINUX,
                        Optional.of(new FunctionDescriptor(entry, text + GP_OFFSET))));
            } else {
                exports.add(new KernelSymbol(name, entry, OptionalLong.empty(), false, "", KernelSymbol.VMLINUX));
            }
        }
        exports.sort(Comparator.comparing(KernelSymbol::name));
        return new KernelConfig(arch.machine(), "modload-builtin", Optional.empty(), OptionalLong.empty(), false,
                exports, MODULE_AREA);
    }

    /** The built-in services by name with their addresses (a descriptor's address where functions have one). */
    public static Map<String, Long> symbols(Architecture arch) {
        Map<String, Long> out = new LinkedHashMap<>();
        config(arch).exports().forEach(s -> out.put(s.name(), s.address()));
        return out;
    }
}
