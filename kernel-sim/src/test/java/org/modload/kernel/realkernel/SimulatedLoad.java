package org.modload.kernel.realkernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.ModulePlacement;
import org.modload.kernel.model.ModuleView;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.Symbol;

/**
 * kernel-sim's side of the oracle: the modules the real kernel loaded, loaded into kernel-sim in
 * the same order, each placed where the real kernel put it (its core base from /proc/modules,
 * its init base the lowest init section address sysfs lists, its per-cpu base {@code mod->percpu}
 * read from its {@code struct module} in the kernel's memory at the offset the kernel's BTF
 * gives, else from a per-cpu symbol's kallsyms address less its st_value), so that every
 * address, and so every relocated byte, can be compared as it is. Where the guest refused a module (for want of hardware), it is
 * not loaded here either.
 */
final class SimulatedLoad {

    /**
     * What the load made.
     *
     * @param views each loaded module's view, by module name, in load order
     * @param refused the modules the guest loaded and kernel-sim refused, with kernel-sim's reason
     */
    record Result(Map<String, ModuleView> views, Map<String, String> refused) {
    }

    private SimulatedLoad() {
    }

    /**
     * @param percpuField where {@code struct module} keeps {@code percpu}, when the kernel's BTF says
     */
    static Result run(Kernel kernel, Capture capture, List<GuestModule> order, OptionalLong percpuField) {
        Map<String, GuestModule> byStem = new LinkedHashMap<>();
        order.forEach(m -> byStem.put(m.stem(), m));
        Map<String, ModuleView> views = new LinkedHashMap<>();
        Map<String, String> refused = new LinkedHashMap<>();
        for (Capture.Insmod i : capture.insmods()) {
            GuestModule m = byStem.get(i.file());
            if (!i.ok() || m == null) {
                continue;
            }
            try {
                ModuleView v = kernel.load(m.file().getFileName().toString(), m.bytes(),
                        LoadOptions.defaults().placedAt(placement(capture, m, percpuField, kernel.addressBits())));
                views.put(v.name(), v);
            } catch (KernelException | IllegalStateException e) {
                refused.put(m.name(), e.getMessage());
            }
        }
        return new Result(views, refused);
    }

    /**
     * Where {@code struct module} keeps {@code percpu} in a kernel without BTF, found in the
     * kernel's own memory: the one pointer-aligned offset at which the {@code struct module} of
     * every loaded module with per-cpu data holds a non-zero pointer followed by
     * {@code percpu_size}, that module's per-cpu section size (the two fields are adjacent in
     * 6.1's struct module). Empty unless exactly one offset fits and some module has per-cpu data.
     */
    static OptionalLong percpuFieldByScan(Capture capture, List<GuestModule> order, int bits) {
        int word = bits / 8;
        List<long[]> probes = new ArrayList<>(); // {this_module offset in dump, per-cpu size}
        List<byte[]> dumps = new ArrayList<>();
        int limit = Integer.MAX_VALUE;
        for (GuestModule m : order) {
            Capture.Dump d = capture.memory().get(m.name());
            Capture.SysfsModule sys = capture.sysfs().get(m.name());
            long size = m.object().sections().stream().filter(x -> x.isAllocated() && x.name().equals(".data..percpu"))
                    .mapToLong(Section::size).findFirst().orElse(0);
            Section mod = m.object().section(".gnu.linkonce.this_module").orElse(null);
            if (d == null || sys == null || size == 0 || mod == null
                    || !sys.sections().containsKey(".gnu.linkonce.this_module")) {
                continue;
            }
            probes.add(new long[] {sys.sections().get(".gnu.linkonce.this_module") - d.address(), size});
            dumps.add(d.bytes());
            limit = (int) Math.min(limit, mod.size() - word - 4);
        }
        if (probes.isEmpty()) {
            return OptionalLong.empty();
        }
        List<Integer> fits = new ArrayList<>();
        for (int x = 0; x <= limit; x += word) {
            boolean all = true;
            for (int i = 0; i < probes.size() && all; i++) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(dumps.get(i)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                int at = (int) probes.get(i)[0] + x;
                long ptr = word == 8 ? b.getLong(at) : b.getInt(at);
                all = ptr != 0 && (b.getInt(at + word) & 0xffffffffL) == probes.get(i)[1];
            }
            if (all) {
                fits.add(x);
            }
        }
        return fits.size() == 1 ? OptionalLong.of(fits.get(0)) : OptionalLong.empty();
    }

    /** Where the guest put {@code m}. */
    static ModulePlacement placement(Capture capture, GuestModule m, OptionalLong percpuField, int bits) {
        String line = capture.procModule(m.name()).orElseThrow(() -> new IllegalStateException(m.name()
                + " loaded in the guest but is not in its /proc/modules"));
        String[] w = line.split(" ");
        long core = Long.parseUnsignedLong(w[5].substring(2), 16);
        Capture.SysfsModule sys = capture.sysfs().get(m.name());
        long coreEnd = core + sys.coresize();
        long init = -1;
        for (long a : sys.sections().values()) {
            boolean inCore = Long.compareUnsigned(a, core) >= 0 && Long.compareUnsigned(a, coreEnd) < 0;
            if (!inCore && (init == -1 || Long.compareUnsigned(a, init) < 0)) {
                init = a;
            }
        }
        if (init == -1) {
            throw new IllegalStateException(m.name() + ": sysfs lists no init section (.symtab is always there)");
        }
        OptionalLong fromStruct = percpuField.isPresent() ? structPercpu(capture, m, percpuField.getAsLong(), bits)
                : OptionalLong.empty();
        OptionalLong fromKallsyms = percpu(capture, m);
        if (fromStruct.isPresent() && fromKallsyms.isPresent() && fromStruct.getAsLong() != fromKallsyms.getAsLong()) {
            throw new IllegalStateException(String.format("%s: struct module says per-cpu 0x%x, kallsyms 0x%x", m.name(),
                    fromStruct.getAsLong(), fromKallsyms.getAsLong()));
        }
        return new ModulePlacement(core, init, fromStruct.isPresent() ? fromStruct : fromKallsyms);
    }

    /** {@code mod->percpu}, read from the module's {@code struct module} in the kernel's memory; empty when 0. */
    private static OptionalLong structPercpu(Capture capture, GuestModule m, long field, int bits) {
        Long at = capture.sysfs().get(m.name()).sections().get(".gnu.linkonce.this_module");
        Capture.Dump d = capture.memory().get(m.name());
        if (at == null || d == null) {
            return OptionalLong.empty();
        }
        int off = (int) (at - d.address() + field);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(d.bytes()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long v = bits == 64 ? b.getLong(off) : b.getInt(off) & 0xffffffffL;
        return v == 0 ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** mod->percpu: a per-cpu symbol's address less its offset in the per-cpu section; empty when none is named. */
    private static OptionalLong percpu(Capture capture, GuestModule m) {
        int pcpu = m.object().sections().stream().filter(s -> s.isAllocated() && s.name().equals(".data..percpu"))
                .mapToInt(Section::index).findFirst().orElse(0);
        if (pcpu == 0) {
            return OptionalLong.empty();
        }
        Map<String, Long> values = new LinkedHashMap<>();
        for (Symbol s : m.object().symbols()) {
            if (s.rawShndx() == pcpu && !s.name().isEmpty()) {
                values.putIfAbsent(s.name(), s.value());
            }
        }
        List<String> lines = capture.kallsyms().getOrDefault(m.name(), List.of());
        List<Long> bases = new ArrayList<>();
        for (String l : lines) {
            String[] w = l.split("[ \t]");
            if ((w[1].equals("a") || w[1].equals("A")) && values.containsKey(w[2])) {
                bases.add(Long.parseUnsignedLong(w[0], 16) - values.get(w[2]));
            }
        }
        return bases.isEmpty() ? OptionalLong.empty() : OptionalLong.of(bases.get(0));
    }
}
