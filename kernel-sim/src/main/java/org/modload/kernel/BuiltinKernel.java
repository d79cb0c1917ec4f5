package org.modload.kernel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.modload.loader.elf.Machine;
import org.modload.loader.spi.FunctionDescriptor;

/**
 * A small built-in kernel symbol table per architecture, for the embedded demo and for tests:
 * the services sample modules call (printk, kmalloc, kfree, module references, hook
 * registration) at stable, made-up addresses inside each architecture's kernel text.
 */
public final class BuiltinKernel {
    private static final List<String> SERVICES = List.of(
            "_printk", "printk", "__kmalloc", "kmalloc", "kfree", "try_module_get", "module_put",
            "__fentry__", "__x86_return_thunk", "__stack_chk_fail", "register_chrdev", "unregister_chrdev",
            "register_netdevice_notifier", "unregister_netdevice_notifier", "memcpy", "memset", "strlen",
            "jiffies", "init_net");

    /** The services that are data, not functions (no descriptor on ia64). */
    private static final List<String> DATA = List.of("jiffies", "init_net");
    /** ia64: descriptors live in the kernel's .opd, all with the kernel's gp. */
    private static final long IA64_OPD = 0xa000000100c00000L;
    private static final long IA64_GP = 0xa000000101000000L;

    private final Machine machine;
    private final Map<String, Long> symbols;
    private final Map<String, FunctionDescriptor> descriptors;

    private BuiltinKernel(Machine machine, Map<String, Long> symbols, Map<String, FunctionDescriptor> descriptors) {
        this.machine = machine;
        this.symbols = symbols;
        this.descriptors = descriptors;
    }

    /** The built-in table for {@code machine}, if there is one. */
    public static Optional<BuiltinKernel> forMachine(Machine machine) {
        long textBase;
        if (machine.equals(Machine.EM_X86_64)) {
            textBase = 0xffffffff81000000L;
        } else if (machine.equals(Machine.EM_386)) {
            textBase = 0xc1000000L;
        } else if (machine.equals(Machine.EM_IA_64)) {
            textBase = 0xa000000100000000L;
        } else {
            return Optional.empty();
        }
        Map<String, Long> m = new LinkedHashMap<>();
        Map<String, FunctionDescriptor> d = new LinkedHashMap<>();
        long stride = 0x40;
        for (int i = 0; i < SERVICES.size(); i++) {
            String name = SERVICES.get(i);
            long entry = textBase + 0x100000 + i * stride;
            if (machine.equals(Machine.EM_IA_64) && !DATA.contains(name)) {
                // On ia64 a function's symbol is its descriptor {ip, gp}; the code is at ip.
                long descriptor = IA64_OPD + i * 16L;
                m.put(name, descriptor);
                d.put(name, new FunctionDescriptor(entry, IA64_GP));
            } else {
                m.put(name, entry);
            }
        }
        return Optional.of(new BuiltinKernel(machine, Map.copyOf(m), Map.copyOf(d)));
    }

    public Machine machine() {
        return machine;
    }

    /** Function descriptor contents by name (ia64 only; empty elsewhere). */
    public Map<String, FunctionDescriptor> descriptors() {
        return descriptors;
    }

    /** Name to address, for every built-in service. */
    public Map<String, Long> symbols() {
        return symbols;
    }
}
