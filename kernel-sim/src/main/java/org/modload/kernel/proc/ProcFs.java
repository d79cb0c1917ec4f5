package org.modload.kernel.proc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.modload.kernel.Kernel;
import org.modload.kernel.model.KernelSymbol;
import org.modload.kernel.model.ModuleListEntry;
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
     * An entry 2.4's create_module left uninitialized has state {@code Uninitialized}.
     * Reads one consistent list of the kernel's modules; changes nothing.
     */
    public static List<String> modules(Kernel kernel) {
        List<String> out = new ArrayList<>();
        for (ModuleListEntry e : kernel.moduleList()) {
            if (e instanceof ModuleListEntry.Uninitialized u) {
                out.add(String.format("%s %d 0 - Uninitialized 0x%016x", u.name(), u.size(), u.address()));
                continue;
            }
            ModuleView m = ((ModuleListEntry.Formed) e).module();
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
     * /proc/kallsyms: the kernel's exports ({@code T}), then every loaded module's named symbols
     * defined in its placed sections, typed as nm does ({@code t} text, {@code r} read-only,
     * {@code d} data, {@code b} bss; upper case when global) and tagged {@code [module]}; a LIVE
     * module's init symbols are gone with its init memory. Changes nothing.
     */
    public static List<String> kallsyms(Kernel kernel) {
        List<String> out = new ArrayList<>();
        String fmt = kernel.addressBits() == 64 ? "%016x %c %s" : "%08x %c %s";
        for (KernelSymbol s : kernel.config().exports()) {
            out.add(String.format(fmt, s.address(), 'T', s.name()));
        }
        List<ModuleView> mods = new ArrayList<>(kernel.modules());
        Collections.reverse(mods);
        for (ModuleView m : mods) {
            for (ModuleSymbol s : m.symbols()) {
                if (s.init() && m.state() == ModuleState.LIVE) {
                    continue; // released with the init region
                }
                out.add(String.format(fmt, s.address(), s.type(), s.name()) + "\t[" + m.name() + "]");
            }
        }
        return out;
    }
}
