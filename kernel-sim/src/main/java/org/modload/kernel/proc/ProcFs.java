package org.modload.kernel.proc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.modload.kernel.Kernel;
import org.modload.kernel.model.KernelSymbol;
import org.modload.kernel.model.ModuleState;
import org.modload.kernel.model.ModuleSymbol;
import org.modload.kernel.model.ModuleView;

/** The kernel's /proc files about modules, formatted as Linux 6.1 prints them. Stateless. */
public final class ProcFs {
    private ProcFs() {
    }

    /**
     * /proc/modules (m_show): {@code name size refcount holders, state address [taints]}, the most
     * recently loaded module first, holders most recent first, {@code -} when there are none.
     * Reads one consistent list of the kernel's modules; changes nothing.
     */
    public static List<String> modules(Kernel kernel) {
        List<String> out = new ArrayList<>();
        for (ModuleView m : kernel.modules()) {
            StringBuilder sb = new StringBuilder();
            sb.append(m.name()).append(' ').append(m.size()).append(' ').append(m.refcount()).append(' ');
            List<String> holders = new ArrayList<>(m.usedBy());
            Collections.reverse(holders);
            boolean printed = false;
            for (String h : holders) {
                sb.append(h).append(',');
                printed = true;
            }
            if (m.permanent()) {
                sb.append("[permanent],");
                printed = true;
            }
            if (!printed) {
                sb.append('-');
            }
            sb.append(' ').append(m.state().procName());
            sb.append(String.format(" 0x%016x", m.coreBase()));
            String taints = m.taintLetters();
            if (!taints.isEmpty()) {
                sb.append(" (").append(taints).append(')');
            }
            out.add(sb.toString());
        }
        return out;
    }

    /**
     * /proc/kallsyms: the kernel's exports ({@code T}), then each module's symbols, the most
     * recently loaded module first (Linux's module list order), each module's in its symbol
     * table order, tagged {@code [module]}: the full table while its init runs, the core symbols
     * once it is LIVE (see {@link ModuleSymbol} for the letters). Changes nothing.
     */
    public static List<String> kallsyms(Kernel kernel) {
        List<String> out = new ArrayList<>();
        String fmt = kernel.addressBits() == 64 ? "%016x %c %s" : "%08x %c %s";
        for (KernelSymbol s : kernel.config().exports()) {
            out.add(String.format(fmt, s.address(), 'T', s.name()));
        }
        for (ModuleView m : kernel.modules()) {
            for (ModuleSymbol s : m.symbols()) {
                if (s.init() && m.state() == ModuleState.LIVE) {
                    continue; // init memory and the full table are gone
                }
                out.add(String.format(fmt, s.address(), s.type(), s.name()) + "\t[" + m.name() + "]");
            }
        }
        return out;
    }
}
