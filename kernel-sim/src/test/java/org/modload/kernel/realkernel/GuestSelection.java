package org.modload.kernel.realkernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.modload.kernel.modinfo.ModuleInfo;
import org.modload.loader.elf.Symbol;

/**
 * Which modules a guest loads, in which order: some picked at random (seeded, so a run is
 * reproducible and its capture can be cached) from a module tree and some always, each preceded
 * by what it needs, as modprobe would load them: its {@code depends=} modules and its
 * {@code softdep=} "pre:" modules (by name, else by {@code alias=}; libcrc32c's init, for
 * one, needs a crc32c implementation that only a soft dependency brings), recursively.
 *
 * @param order the modules in load order
 * @param random the names of the randomly picked modules
 */
record GuestSelection(List<GuestModule> order, Set<String> random) {

    /**
     * @param tree {@code lib/modules/<release>}
     * @param count how many modules to pick at random
     * @param always module names loaded besides (after their dependencies, at the end)
     * @param extra module files of our own, loaded last
     */
    static GuestSelection select(Path tree, int count, long seed, List<String> always, List<Path> extra) {
        Map<String, GuestModule> modules = new TreeMap<>();
        Map<String, String> aliases = new HashMap<>();
        try (Stream<Path> s = Files.walk(tree.resolve("kernel"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".ko")).sorted().toList()) {
                GuestModule m = GuestModule.read(p);
                modules.putIfAbsent(m.name(), m);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (GuestModule m : modules.values()) {
            for (String a : info(m).values("alias")) {
                aliases.putIfAbsent(a, m.name());
            }
        }
        List<String> names = new ArrayList<>(modules.keySet());
        Collections.shuffle(names, new Random(seed));
        Set<String> random = new LinkedHashSet<>(names.subList(0, Math.min(count, names.size())));
        Map<String, GuestModule> order = new LinkedHashMap<>();
        for (String n : random) {
            visit(n, modules, aliases, order, new LinkedHashSet<>());
        }
        for (String n : always) {
            visit(n, modules, aliases, order, new LinkedHashSet<>());
        }
        List<GuestModule> out = new ArrayList<>(order.values());
        for (Path p : extra) {
            out.add(GuestModule.read(p));
        }
        return new GuestSelection(List.copyOf(out), Set.copyOf(random));
    }

    private static ModuleInfo info(GuestModule m) {
        return ModuleInfo.read(m.object()).orElse(new ModuleInfo(List.of()));
    }

    private static void visit(String name, Map<String, GuestModule> modules, Map<String, String> aliases,
            Map<String, GuestModule> order, Set<String> path) {
        GuestModule m = modules.get(name);
        if (m == null || order.containsKey(name) || !path.add(name)) {
            return; // unknown, done, or on a cycle (modprobe refuses those; the kernel will say)
        }
        ModuleInfo info = info(m);
        for (String d : info.dependsModuleNames()) {
            visit(d, modules, aliases, order, path);
        }
        for (String soft : info.values("softdep")) {
            for (String pre : preDependencies(soft)) {
                String n = pre.replace('-', '_');
                visit(modules.containsKey(n) ? n : aliases.getOrDefault(pre, n), modules, aliases, order, path);
            }
        }
        path.remove(name);
        order.put(name, m);
    }

    /** The names after {@code pre:} in a softdep value ({@code "pre: crc32c post: foo"}). */
    static List<String> preDependencies(String softdep) {
        List<String> out = new ArrayList<>();
        boolean pre = false;
        for (String w : softdep.trim().split("\\s+")) {
            if (w.endsWith(":")) {
                pre = w.equals("pre:");
            } else if (pre && !w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /** The module files, one per line, as boot.sh reads them (absolute paths). */
    String listing() {
        StringBuilder sb = new StringBuilder();
        order.forEach(m -> sb.append(m.file().toAbsolutePath()).append('\n'));
        return sb.toString();
    }

    /** Every symbol the modules leave undefined: the kernel's lines for them are captured. */
    String needed() {
        Set<String> names = new java.util.TreeSet<>();
        for (GuestModule m : order) {
            for (Symbol s : m.object().symbols()) {
                if (s.isUndefined() && !s.name().isEmpty()) {
                    names.add(s.name());
                }
            }
        }
        return String.join("\n", names) + "\n";
    }
}
