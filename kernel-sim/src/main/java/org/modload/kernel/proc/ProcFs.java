package org.modload.kernel.proc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.modload.kernel.Kernel;
import org.modload.kernel.model.KernelSymbol;
import org.modload.kernel.model.ModuleListEntry;
import org.modload.kernel.model.MemoryRange;
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
            sb.append(kernel.addressBits() == 64 ? String.format(" 0x%016x", m.coreBase())
                    : String.format(" 0x%08x", m.coreBase() & 0xffffffffL));
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

    /**
     * {@code length} bytes of kernel memory at {@code address}, as /proc/kcore reads the module
     * area: each loaded module's sections and tables, and the kallsyms copy at the end of its
     * core; zeros elsewhere (Linux zeroes module memory before copying the sections in). Reads
     * one consistent list of the kernel's modules; changes nothing.
     *
     * @throws IllegalArgumentException when {@code length} is negative
     */
    public static byte[] kcore(Kernel kernel, long address, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length " + length);
        }
        byte[] out = new byte[length];
        for (ModuleView m : kernel.modules()) {
            for (MemoryRange r : m.memory()) {
                copy(r, address, out);
            }
        }
        return out;
    }

    /** Copies the part of {@code r} that overlaps {@code [address, address + out.length)}. */
    private static void copy(MemoryRange r, long address, byte[] out) {
        long from = Math.max(0, r.address() - address);
        long to = Math.min(out.length, r.address() + r.size() - address);
        if (from >= to || r.address() + r.size() - address <= 0) {
            return;
        }
        ByteBuffer b = r.bytes();
        long skip = address + from - r.address();
        for (long i = from; i < to; i++) {
            out[(int) i] = b.get((int) (skip + i - from));
        }
    }
}
