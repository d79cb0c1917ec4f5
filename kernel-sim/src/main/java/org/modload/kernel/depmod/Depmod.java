package org.modload.kernel.depmod;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.modload.kernel.diag.DependencyCycleException;
import org.modload.kernel.diag.ModuleTreeException;

/**
 * Computes module dependencies exactly as kmod's {@code depmod} (tools/depmod.c) does, so that
 * {@link DepmodResult#modulesDep()} equals the {@code modules.dep} it writes:
 * <ol>
 * <li>Module order: kmod's hash-table order of the module names, then a stable sort that puts
 * the modules {@code modules.order} lists first, in the order of their last line there.</li>
 * <li>Symbol owners: the kernel's symbols first, then each module's exports in module order; a
 * later exporter of the same name replaces an earlier one.</li>
 * <li>Direct dependencies: the owners of a module's needed symbols (weak ones included), in the
 * order the module needs them, each once. Kernel-owned and unknown symbols add nothing.</li>
 * <li>A topological sort (Kahn's, with a stack, seeded with the unneeded modules in module order)
 * numbers the modules; a cycle is an error.</li>
 * <li>A module's line lists every module it needs directly or indirectly, by that number.</li>
 * </ol>
 * Stateless; thread-safe.
 */
public final class Depmod {

    /** kmod's fake symbols (depmod_add_fake_syms), owned by nobody. */
    private static final List<String> FAKE_SYMBOLS = List.of("__this_module", "_GLOBAL_OFFSET_TABLE_");
    private static final String TOC = "TOC.";
    private static final int KERNEL = -1;
    /** depmod's {@code symbols} table: {@code hash_new(2048, ...)}. */
    private static final int SYMBOL_BUCKETS = 2048;

    private Depmod() {
    }

    /** An entry of kmod's symbol table: its owner (a module index, or {@link #KERNEL}) and CRC. */
    private record Owner(int module, long crc) {
    }

    /**
     * Computes the dependencies of a tree's modules with only kernel symbol names known.
     *
     * @param modules the modules, in any order; their names must be distinct
     * @param order the lines of {@code modules.order} (paths relative to the module directory),
     *     or an empty list when there is none
     * @param kernelSymbols the symbols the kernel image exports (for example
     *     {@code ModuleSymvers.kernelSymbolNames()}); they never make dependencies and only decide
     *     {@link ModuleDependencies#unknownSymbols()}. {@code __this_module} and
     *     {@code _GLOBAL_OFFSET_TABLE_} always count as kernel symbols.
     * @throws DependencyCycleException if some modules need each other in a cycle
     * @throws ModuleTreeException if two modules have the same name
     */
    public static DepmodResult compute(List<ModuleFile> modules, List<String> order, Set<String> kernelSymbols) {
        Objects.requireNonNull(kernelSymbols, "kernelSymbols");
        return compute(modules, order, DepmodConfig.ofKernelSymbols(kernelSymbols));
    }

    /**
     * Computes what kmod's depmod computes for these modules: the module order, every module's
     * dependencies, the symbol table modules.symbols lists, and the warnings and {@code -v} lines
     * it prints while doing so (see {@link DepmodResult}).
     *
     * @throws DependencyCycleException if some modules need each other in a cycle
     * @throws ModuleTreeException if two modules have the same name
     */
    public static DepmodResult compute(List<ModuleFile> modules, List<String> order, DepmodConfig config) {
        Objects.requireNonNull(config, "config");
        Graph g = graph(modules, order, config);
        List<ModuleFile> mods = g.mods();
        List<List<Integer>> deps = g.deps();
        Map<String, Owner> symbols = g.symbols();
        int n = mods.size();
        int[] rank = topologicalRanks(deps, g.users(), new int[n]);
        for (int r : rank) {
            if (r < 0) {
                throw cycle(mods, deps, rank);
            }
        }

        Comparator<Integer> byRank = Comparator.comparingInt(i -> rank[i]);
        List<ModuleDependencies> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<Integer> direct = new ArrayList<>(deps.get(i));
            direct.sort(byRank);
            List<Integer> all = new ArrayList<>(closure(i, deps));
            all.sort(byRank);
            out.add(new ModuleDependencies(mods.get(i).path(), mods.get(i).name(), paths(mods, direct),
                    paths(mods, all), g.unknown().get(i)));
        }

        List<String> names = new ArrayList<>();
        symbols.forEach((name, owner) -> {
            if (owner.module() != KERNEL) {
                names.add(name);
            }
        });
        names.sort(Comparator.comparing((String k) -> KmodHash.bucket(k, SYMBOL_BUCKETS))
                .thenComparing(KmodHash::bytes, Arrays::compareUnsigned));
        List<DepmodResult.SymbolOwner> owners = new ArrayList<>(names.size());
        for (String name : names) {
            owners.add(new DepmodResult.SymbolOwner(name, symbols.get(name).module()));
        }
        return new DepmodResult(out, mods, owners, g.warnings(), g.shown());
    }

    /** depmod_symbol_add: the prefix character is dropped from a name that starts with it. */
    private static String skipPrefix(String name, char prefix) {
        return prefix != '\0' && !name.isEmpty() && name.charAt(0) == prefix ? name.substring(1) : name;
    }

    /** The key depmod_symbol_find looks {@code name} up by: PPC64's {@code .foo} is {@code foo}, then the prefix. */
    private static String name(String name, char prefix) {
        return skipPrefix(name.startsWith(".") ? name.substring(1) : name, prefix);
    }

    private static Owner find(Map<String, Owner> symbols, String name, char prefix) {
        return symbols.get(name(name, prefix));
    }

    /** The modules in kmod's order, the symbol table, each module's direct dependencies in the order found. */
    private record Graph(List<ModuleFile> mods, Map<String, Owner> symbols, List<List<Integer>> deps,
            List<List<String>> unknown, int[] users, List<String> warnings, List<String> shown) {
    }

    private static Graph graph(List<ModuleFile> modules, List<String> order, DepmodConfig config) {
        List<ModuleFile> mods = sortModules(modules, order);
        int n = mods.size();
        char prefix = config.symbolPrefix();

        Map<String, Owner> symbols = new HashMap<>();
        for (ExportedSymbol s : config.kernel()) {
            symbols.put(skipPrefix(s.name(), prefix), new Owner(KERNEL, s.crc()));
        }
        if (config.kernelGiven()) {
            for (String s : FAKE_SYMBOLS) {
                symbols.put(s, new Owner(KERNEL, 0));
            }
            if (find(symbols, TOC, prefix) == null) {
                symbols.put(TOC, new Owner(KERNEL, 0));
            }
        }
        for (int i = 0; i < n; i++) {
            for (ExportedSymbol s : mods.get(i).symbols().exported()) {
                symbols.put(skipPrefix(s.name(), prefix), new Owner(i, s.crc()));
            }
        }

        List<String> warnings = new ArrayList<>();
        List<String> shown = new ArrayList<>();
        List<List<Integer>> deps = new ArrayList<>(n);
        List<List<String>> unknown = new ArrayList<>(n);
        int[] users = new int[n];
        for (ModuleFile m : mods) {
            Set<Integer> direct = new LinkedHashSet<>();
            List<String> missing = new ArrayList<>();
            String path = config.fullPath(m.path());
            for (ImportedSymbol s : m.symbols().imports()) {
                Owner owner = find(symbols, s.name(), prefix);
                if (owner == null) {
                    if (!s.weak()) {
                        missing.add(s.name());
                        if (config.printUnknown()) {
                            warnings.add("WARNING: " + path + " needs unknown symbol " + s.name());
                        }
                    }
                    continue;
                }
                if (config.checkSymvers() && owner.crc() != s.crc() && !s.weak() && config.printUnknown()) {
                    warnings.add("WARNING: " + path + " disagrees about version of symbol " + s.name());
                }
                if (owner.module() != KERNEL && direct.add(owner.module())) {
                    users[owner.module()]++;
                    if (config.verbose()) {
                        shown.add(path + " needs \"" + name(s.name(), prefix) + "\": "
                                + config.fullPath(mods.get(owner.module()).path()));
                    }
                }
            }
            deps.add(List.copyOf(direct));
            unknown.add(missing);
        }

        return new Graph(mods, symbols, deps, unknown, users, warnings, shown);
    }

    /**
     * What kmod 30 prints when the modules' dependencies have cycles ({@code depmod_report_cycles}):
     * one {@code ERROR: Cycle detected: a -> b -> a} line per cycle its walk finds, by module name,
     * then {@code ERROR: Found N modules in dependency cycles!}. Empty when there is no cycle.
     * Where kmod's walk never ends (a cycle reached from a root on another cycle) this one stops
     * descending at paths longer than the number of modules.
     */
    public static List<String> cycleReport(List<ModuleFile> modules, List<String> order, DepmodConfig config) {
        Graph g = graph(modules, order, config);
        int n = g.mods().size();
        int[] left = new int[n];
        topologicalRanks(g.deps(), g.users(), left);
        List<Integer> roots = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (left[i] > 0) {
                roots.add(i);
            }
        }
        if (roots.isEmpty()) {
            return List.of();
        }
        int stackSize = roots.size();
        boolean[] visited = new boolean[n];
        Set<String> loopSet = new HashSet<>();
        List<String> out = new ArrayList<>();
        while (!roots.isEmpty()) {
            int root = roots.remove(0);
            // A vertex: a module and the vertex it was reached from (kmod's struct vertex).
            record Vertex(int mod, Vertex parent, int depth) {
            }
            Deque<Vertex> stack = new ArrayDeque<>();
            stack.push(new Vertex(root, null, 0));
            while (!stack.isEmpty()) {
                Vertex v = stack.pop();
                int m = v.mod();
                if (visited[m] && m == root) {
                    List<Integer> reverse = new ArrayList<>();
                    for (Vertex p = v.parent(); p != null; p = p.parent()) {
                        reverse.add(p.mod());
                        loopSet.add(g.mods().get(p.mod()).name());
                    }
                    StringBuilder b = new StringBuilder();
                    for (int i = reverse.size() - 1; i >= 0; i--) {
                        b.append(g.mods().get(reverse.get(i)).name()).append(" -> ");
                        removeData(roots, reverse.get(i));
                    }
                    out.add("ERROR: Cycle detected: " + b + g.mods().get(m).name());
                    continue;
                }
                visited[m] = true;
                if (g.deps().get(m).isEmpty()) {
                    removeData(roots, m);
                    continue;
                }
                if (v.depth() >= n) {
                    // A path longer than the tree: the walk circles a cycle the root is not on,
                    // where kmod 30 loops for ever. Stop descending.
                    continue;
                }
                for (int d : g.deps().get(m)) {
                    if (stack.size() >= stackSize) {
                        // kmod asserts here (a cycle its walk cannot leave); stop rather than loop.
                        stack.clear();
                        break;
                    }
                    stack.push(new Vertex(d, v, v.depth() + 1));
                }
            }
        }
        out.add("ERROR: Found " + loopSet.size() + " modules in dependency cycles!");
        return out;
    }

    /**
     * libkmod's {@code kmod_list_remove_data} on the circular list {@code roots} (kept from its
     * head): the entry goes, and the one after it becomes the head.
     */
    private static void removeData(List<Integer> roots, int m) {
        int at = roots.indexOf(m);
        if (at < 0) {
            return;
        }
        List<Integer> rotated = new ArrayList<>(roots.subList(at + 1, roots.size()));
        rotated.addAll(roots.subList(0, at));
        roots.clear();
        roots.addAll(rotated);
    }

    /** kmod's module array: hash-table order, then stably by last line in {@code modules.order}. */
    private static List<ModuleFile> sortModules(List<ModuleFile> modules, List<String> order) {
        Set<String> names = new HashSet<>();
        for (ModuleFile m : modules) {
            if (!names.add(m.name())) {
                throw ModuleTreeException.of(m.path(), "two modules are named '" + m.name() + "'");
            }
        }
        List<ModuleFile> mods = new ArrayList<>(modules);
        mods.sort(Comparator.comparing(ModuleFile::name, KmodHash.MODULE_ITERATION_ORDER));
        Map<String, Integer> line = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            line.put(order.get(i), i);
        }
        // Listed modules first (kmod gives them negative indexes), the rest keep their order.
        mods.sort(Comparator.comparingInt(m -> line.getOrDefault(uncompressedPath(m), Integer.MAX_VALUE)));
        return mods;
    }

    /**
     * kmod's {@code uncrelpath}, the key it looks {@code modules.order} lines up by: the path cut
     * after the directory, the module name's length and three more characters ({@code .ko}).
     */
    static String uncompressedPath(ModuleFile m) {
        String p = m.path();
        int length = p.lastIndexOf('/') + 1 + m.name().length() + ".ko".length();
        return p.substring(0, Math.min(length, p.length()));
    }

    /**
     * depmod_calculate_dependencies: Kahn's algorithm with a stack. Returns each module's rank,
     * or -1 for a module left with users, that is, on a cycle or needed by one; {@code left}
     * receives the users each module is left with.
     */
    private static int[] topologicalRanks(List<List<Integer>> deps, int[] usersIn, int[] left) {
        int n = deps.size();
        int[] users = usersIn.clone();
        int[] rank = new int[n];
        Arrays.fill(rank, -1);
        int[] stack = new int[n];
        int top = 0;
        for (int i = 0; i < n; i++) {
            if (users[i] == 0) {
                stack[top++] = i;
            }
        }
        int sorted = 0;
        while (top > 0) {
            int src = stack[--top];
            rank[src] = sorted++;
            for (int dst : deps.get(src)) {
                if (--users[dst] == 0) {
                    stack[top++] = dst;
                }
            }
        }
        System.arraycopy(users, 0, left, 0, n);
        return rank;
    }

    private static Set<Integer> closure(int start, List<List<Integer>> deps) {
        Set<Integer> seen = new HashSet<>();
        Deque<Integer> todo = new ArrayDeque<>(deps.get(start));
        while (!todo.isEmpty()) {
            int m = todo.pop();
            if (seen.add(m)) {
                todo.addAll(deps.get(m));
            }
        }
        return seen;
    }

    private static List<String> paths(List<ModuleFile> mods, List<Integer> indexes) {
        List<String> out = new ArrayList<>(indexes.size());
        for (int i : indexes) {
            out.add(mods.get(i).path());
        }
        return out;
    }

    /** The first module (in module order) that lies on a cycle, its cycle, and how many do. */
    private static DependencyCycleException cycle(List<ModuleFile> mods, List<List<Integer>> deps, int[] rank) {
        List<Integer> first = null;
        int onCycles = 0;
        for (int i = 0; i < mods.size(); i++) {
            if (rank[i] >= 0) {
                continue;
            }
            List<Integer> c = pathBack(i, deps, rank);
            if (c != null) {
                onCycles++;
                if (first == null) {
                    first = c;
                }
            }
        }
        // Every unranked module lies on a cycle or is needed by one, so some cycle exists.
        List<Integer> cycle = Objects.requireNonNull(first, "no cycle among unranked modules");
        return new DependencyCycleException(paths(mods, cycle), onCycles);
    }

    /** A shortest path {@code start -> ... -> start} through unranked modules, or null. */
    private static List<Integer> pathBack(int start, List<List<Integer>> deps, int[] rank) {
        Map<Integer, Integer> parent = new HashMap<>();
        Deque<Integer> queue = new ArrayDeque<>();
        BitSet seen = new BitSet();
        queue.add(start);
        while (!queue.isEmpty()) {
            int m = queue.poll();
            for (int d : deps.get(m)) {
                if (rank[d] >= 0) {
                    continue;
                }
                if (d == start) {
                    List<Integer> path = new ArrayList<>();
                    path.add(start);
                    for (int k = m; k != start; k = parent.get(k)) {
                        path.add(k);
                    }
                    path.add(start);
                    Collections.reverse(path);
                    return path;
                }
                if (!seen.get(d)) {
                    seen.set(d);
                    parent.put(d, m);
                    queue.add(d);
                }
            }
        }
        return null;
    }
}
