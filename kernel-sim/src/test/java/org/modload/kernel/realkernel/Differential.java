package org.modload.kernel.realkernel;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import org.modload.kernel.Kernel;
import org.modload.kernel.model.ModuleView;
import org.modload.kernel.proc.ProcFs;
import org.modload.kernel.sys.SysFs;

/**
 * Compares what the real kernel said about the modules it loaded ({@link Capture}) with what
 * kernel-sim says after loading them the same way ({@link SimulatedLoad}): every /proc/modules
 * line; per module the sysfs attributes (coresize, initsize, initstate, taint, refcnt,
 * holders), the set of section names and each section's address; every /proc/kallsyms line
 * (address, letter, name, module, in the kernel's order); and every byte of core memory, each
 * difference classified by {@link X86Patches}.
 */
final class Differential {

    /** The totals of one comparison; {@code differences} says what disagreed, one line each. */
    record Report(int modules, int procLines, int procIdentical, int sysfsAttributes, int sysfsAttributesIdentical,
            int sectionSets, int sectionSetsIdentical, int sections, int sectionsIdentical, int kallsymsLines,
            int kallsymsIdentical, long bytes, Map<X86Patches.Kind, Long> differingBytes, List<String> differences,
            List<String> explained) {

        long unexplainedBytes() {
            return differingBytes.getOrDefault(X86Patches.Kind.UNEXPLAINED, 0L);
        }

        String summary() {
            return String.format("%d modules: /proc/modules %d/%d lines identical; sysfs attributes %d/%d; section "
                    + "name sets %d/%d; section addresses %d/%d; /proc/kallsyms %d/%d lines identical; %d bytes of core "
                    + "memory compared, differing %s; %d explained differences of references", modules, procIdentical,
                    procLines, sysfsAttributesIdentical, sysfsAttributes, sectionSetsIdentical, sectionSets,
                    sectionsIdentical, sections, kallsymsIdentical, kallsymsLines, bytes, differingBytes,
                    explained.size());
        }
    }

    private static final int SHOWN_PER_MODULE = 6;

    private Differential() {
    }

    /**
     * Whether two /proc/modules lines differ only in the use count, the kernel's being the
     * larger: references taken by code that ran in the guest ({@code try_module_get} by another
     * module's init, e.g. a crypto transform of the algorithm module), which kernel-sim, running
     * no module code, cannot hold. Holders (module dependencies) are compared as they are.
     */
    static boolean onlyMoreReferences(String real, String ours) {
        String[] r = real.split(" ");
        String[] o = ours.split(" ");
        if (r.length != o.length || r.length < 3 || !r[2].matches("\\d+") || !o[2].matches("\\d+")) {
            return false;
        }
        r[2] = "";
        String[] masked = o.clone();
        masked[2] = "";
        return Integer.parseInt(real.split(" ")[2]) > Integer.parseInt(o[2])
                && String.join(" ", r).equals(String.join(" ", masked));
    }

    static Report compare(Capture capture, Kernel kernel, SimulatedLoad.Result sim, List<GuestModule> order) {
        List<String> diffs = new ArrayList<>();
        List<String> explained = new ArrayList<>();
        sim.refused().forEach((m, why) -> diffs.add(m + ": the kernel loaded it, kernel-sim refused: " + why));
        Map<String, GuestModule> byName = new LinkedHashMap<>();
        order.forEach(m -> byName.put(m.name(), m));

        int procIdentical = 0;
        List<String> ours = ProcFs.modules(kernel);
        for (String line : capture.procModules()) {
            String name = line.split(" ")[0];
            String mine = ours.stream().filter(l -> l.startsWith(name + " ")).findFirst().orElse("(none)");
            if (mine.equals(line)) {
                procIdentical++;
            } else if (onlyMoreReferences(line, mine)) {
                explained.add("/proc/modules: kernel '" + line + "', kernel-sim '" + mine + "': references held by code "
                        + "that ran in the guest");
            } else {
                diffs.add("/proc/modules: kernel '" + line + "', kernel-sim '" + mine + "'");
            }
        }

        int attributes = 0;
        int attributesIdentical = 0;
        int sets = 0;
        int setsIdentical = 0;
        int sections = 0;
        int sectionsIdentical = 0;
        for (Capture.SysfsModule real : capture.sysfs().values()) {
            String base = "/sys/module/" + real.name() + "/";
            Map<String, String> want = new LinkedHashMap<>();
            want.put("coresize", real.coresize() + "\n");
            want.put("initsize", real.initsize() + "\n");
            want.put("initstate", real.initstate() + "\n");
            want.put("taint", real.taint() + "\n");
            want.put("refcnt", real.refcnt() + "\n");
            for (Map.Entry<String, String> e : want.entrySet()) {
                attributes++;
                Optional<String> got = SysFs.read(kernel, base + e.getKey());
                if (got.isPresent() && got.get().equals(e.getValue())) {
                    attributesIdentical++;
                } else if (e.getKey().equals("refcnt") && got.isPresent() && got.get().strip().matches("\\d+")
                        && e.getValue().strip().matches("\\d+")
                        && Integer.parseInt(e.getValue().strip()) > Integer.parseInt(got.get().strip())) {
                    explained.add(base + "refcnt: kernel " + e.getValue().strip() + ", kernel-sim " + got.get().strip()
                            + ": references held by code that ran in the guest");
                } else {
                    diffs.add(base + e.getKey() + ": kernel '" + e.getValue().strip() + "', kernel-sim '"
                            + got.map(String::strip).orElse("(none)") + "'");
                }
            }
            attributes++;
            List<String> holders = SysFs.list(kernel, base + "holders").orElse(List.of());
            if (new TreeSet<>(real.holders()).equals(new TreeSet<>(holders))) {
                attributesIdentical++;
            } else {
                diffs.add(base + "holders: kernel " + real.holders() + ", kernel-sim " + holders);
            }
            sets++;
            List<String> names = SysFs.list(kernel, base + "sections").orElse(List.of());
            if (new TreeSet<>(real.sections().keySet()).equals(new TreeSet<>(names))) {
                setsIdentical++;
            } else {
                TreeSet<String> missing = new TreeSet<>(real.sections().keySet());
                missing.removeAll(names);
                TreeSet<String> extra = new TreeSet<>(names);
                extra.removeAll(real.sections().keySet());
                diffs.add(base + "sections: kernel-sim lacks " + missing + ", has besides " + extra);
            }
            int shown = 0;
            for (Map.Entry<String, Long> s : real.sections().entrySet()) {
                sections++;
                Optional<String> got = SysFs.read(kernel, base + "sections/" + s.getKey());
                String expected = String.format(kernel.addressBits() == 64 ? "0x%016x\n" : "0x%08x\n", s.getValue());
                if (got.isPresent() && got.get().equals(expected)) {
                    sectionsIdentical++;
                } else if (shown++ < SHOWN_PER_MODULE) {
                    diffs.add(base + "sections/" + s.getKey() + ": kernel " + expected.strip() + ", kernel-sim "
                            + got.map(String::strip).orElse("(none)"));
                }
            }
        }

        int kallsyms = 0;
        int kallsymsIdentical = 0;
        Map<String, List<String>> simKallsyms = new LinkedHashMap<>();
        for (String l : ProcFs.kallsyms(kernel)) {
            int open = l.lastIndexOf("\t[");
            if (open >= 0) {
                simKallsyms.computeIfAbsent(l.substring(open + 2, l.length() - 1), k -> new ArrayList<>()).add(l);
            }
        }
        for (Map.Entry<String, List<String>> e : capture.kallsyms().entrySet()) {
            List<String> mine = simKallsyms.getOrDefault(e.getKey(), List.of());
            int shown = 0;
            for (int i = 0; i < e.getValue().size(); i++) {
                kallsyms++;
                String line = e.getValue().get(i);
                if (i < mine.size() && mine.get(i).equals(line)) {
                    kallsymsIdentical++;
                } else if (shown++ < SHOWN_PER_MODULE) {
                    diffs.add("/proc/kallsyms line " + i + " of " + e.getKey() + ": kernel '" + line + "', kernel-sim '"
                            + (i < mine.size() ? mine.get(i) : "(none)") + "'");
                }
            }
            if (mine.size() != e.getValue().size()) {
                diffs.add("/proc/kallsyms: " + e.getKey() + " has " + e.getValue().size() + " lines, kernel-sim "
                        + mine.size());
            }
        }

        long bytes = 0;
        Map<X86Patches.Kind, Long> differing = new EnumMap<>(X86Patches.Kind.class);
        for (Capture.Dump d : capture.memory().values()) {
            ModuleView v = sim.views().get(d.module());
            GuestModule m = byName.get(d.module());
            if (v == null || m == null) {
                continue;
            }
            byte[] mine = ProcFs.kcore(kernel, d.address(), d.bytes().length);
            X86Patches.Outcome o = X86Patches.classify(m.object(), v, d.address(), d.bytes(), mine);
            bytes += o.compared();
            o.differing().forEach((k, n) -> differing.merge(k, n, Long::sum));
            diffs.addAll(o.unexplained());
        }
        return new Report(capture.procModules().size(), capture.procModules().size(), procIdentical, attributes,
                attributesIdentical, sets, setsIdentical, sections, sectionsIdentical, kallsyms, kallsymsIdentical, bytes,
                differing, diffs, explained);
    }
}
