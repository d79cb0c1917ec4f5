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

        int[] rank = topologicalRanks(deps, users);
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
                    paths(mods, all), unknown.get(i)));
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
        return new DepmodResult(out, mods, owners, warnings, shown);
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
     * or -1 for a module left with users, that is, on a cycle or needed by one.
     */
    private static int[] topologicalRanks(List<List<Integer>> deps, int[] usersIn) {
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
