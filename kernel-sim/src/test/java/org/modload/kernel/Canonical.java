package org.modload.kernel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import org.modload.kernel.model.KernelSymbol;
import org.modload.kernel.model.ModuleSymbol;
import org.modload.kernel.model.ModuleView;

/**
 * A kernel's observable state with every absolute address made relative to its module's base,
 * for comparing kernels whose loads ran in different orders (the module area is handed out in
 * load order, so absolute addresses differ, as on a real kernel): per module, in name order,
 * its state, references, holders and uses (as sets), size, taints, exports and the kallsyms
 * entries /proc/kallsyms shows (name, type, offset from the module's base or, for per-cpu data,
 * from its per-cpu base; a LIVE module's
 * init-only entries name freed memory and other modules' addresses, so they are left out); then
 * memory in use and the kernel's taints.
 */
public final class Canonical {
    private Canonical() {
    }

    public static List<String> of(Kernel kernel) {
        List<String> out = new ArrayList<>();
        List<ModuleView> mods = new ArrayList<>(kernel.modules());
        mods.sort(Comparator.comparing(ModuleView::name));
        for (ModuleView m : mods) {
            out.add(m.name() + " " + m.state() + " refcount=" + m.refcount() + " holders=" + sorted(m.usedBy())
                    + " uses=" + sorted(m.uses()) + " size=" + m.size() + " taints=" + m.taintLetters());
            for (KernelSymbol e : m.exports()) {
                out.add("  export " + e.name() + " " + offset(m, e.address()) + " crc="
                        + e.crc() + (e.gplOnly() ? " gpl" : "") + " ns=" + e.namespace());
            }
            for (ModuleSymbol s : m.symbols()) {
                if (s.init() && m.state() == org.modload.kernel.model.ModuleState.LIVE) {
                    continue;
                }
                out.add("  kallsyms " + s.type() + " " + s.name() + " " + offset(m, s.address())
                        + (s.init() ? " init" : ""));
            }
        }
        out.add("memory " + kernel.memoryInUse());
        out.add("taints " + kernel.taints());
        return out;
    }

    /**
     * An address as an offset from the module's base, or from its per-cpu base for one in its
     * per-cpu data (per-cpu memory, too, is handed out in load order).
     */
    private static String offset(ModuleView m, long address) {
        if (m.percpu().isPresent()) {
            long off = address - m.percpu().get().address();
            if (Long.compareUnsigned(off, m.percpu().get().size()) < 0) {
                return "percpu+0x" + Long.toHexString(off);
            }
        }
        return "+0x" + Long.toHexString(address - m.coreBase());
    }

    private static String sorted(List<String> names) {
        return names.stream().sorted().collect(Collectors.joining(",", "[", "]"));
    }
}
