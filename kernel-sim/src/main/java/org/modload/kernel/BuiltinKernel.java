package org.modload.kernel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.modload.loader.elf.Machine;

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

    private final Machine machine;
    private final Map<String, Long> symbols;

    private BuiltinKernel(Machine machine, Map<String, Long> symbols) {
        this.machine = machine;
        this.symbols = symbols;
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
        long stride = 0x40;
        for (int i = 0; i < SERVICES.size(); i++) {
            m.put(SERVICES.get(i), textBase + 0x100000 + i * stride);
        }
        return Optional.of(new BuiltinKernel(machine, Map.copyOf(m)));
    }

    public Machine machine() {
        return machine;
    }

    /** Name to address, for every built-in service. */
    public Map<String, Long> symbols() {
        return symbols;
    }
}
