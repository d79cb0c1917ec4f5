package org.modload.kernel.tree;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.google.common.graph.ElementOrder;
import com.google.common.graph.GraphBuilder;
import com.google.common.graph.Graphs;
import com.google.common.graph.ImmutableGraph;
import com.google.common.graph.MutableGraph;
import com.google.common.graph.Traverser;

/**
 * The load-order graph of a module tree: one node per module name, an edge from each module to
 * each module its {@code .modinfo depends} names (when that one is in the tree). Gives the
 * order modprobe loads in (each module after its dependencies, depth first, names in order),
 * the modules on dependency cycles, one cycle through a module for its report, and the
 * modules that wait for each one. Immutable.
 */
final class DependencyGraph {
    private final ImmutableGraph<String> graph;
    private final List<String> order;
    private final Set<String> onCycles;

    private DependencyGraph(ImmutableGraph<String> graph) {
        this.graph = graph;
        // Depth-first post-order visits every dependency before its user; with a cycle, its
        // members come in some order and are reported instead of loaded.
        List<String> o = new ArrayList<>();
        Traverser.forGraph(graph).depthFirstPostOrder(graph.nodes()).forEach(o::add);
        this.order = List.copyOf(o);
        this.onCycles = Graphs.hasCycle(graph) ? cycleMembers(graph) : Set.of();
    }

    /**
     * The graph of modules {@code depends} (module name to the names its .modinfo depends on),
     * nodes in name order, each module's dependencies in the order it names them.
     */
    static DependencyGraph of(Map<String, List<String>> depends) {
        MutableGraph<String> g = GraphBuilder.directed().allowsSelfLoops(true).nodeOrder(ElementOrder.insertion())
                .incidentEdgeOrder(ElementOrder.stable()).build();
        List<String> names = new ArrayList<>(depends.keySet());
        Collections.sort(names);
        names.forEach(g::addNode);
        for (String n : names) {
            for (String d : depends.get(n)) {
                if (depends.containsKey(d)) {
                    g.putEdge(n, d);
                }
            }
        }
        return new DependencyGraph(ImmutableGraph.copyOf(g));
    }

    private static Set<String> cycleMembers(ImmutableGraph<String> g) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : g.nodes()) {
            for (String d : g.successors(n)) {
                if (Graphs.reachableNodes(g, d).contains(n)) {
                    out.add(n);
                    break;
                }
            }
        }
        return Set.copyOf(out);
    }

    /** Every module, each after every module it depends on (cycles aside). */
    List<String> order() {
        return order;
    }

    /** The modules that lie on a dependency cycle. */
    Set<String> onCycles() {
        return onCycles;
    }

    /** The in-tree modules {@code name} depends on. */
    Set<String> dependencies(String name) {
        return graph.successors(name);
    }

    /** The modules that depend on {@code name}. */
    Set<String> dependents(String name) {
        return graph.predecessors(name);
    }

    /** A shortest cycle {@code name -> ... -> name}, or empty when {@code name} lies on none. */
    Optional<List<String>> cycleThrough(String name) {
        Map<String, String> parent = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(name));
        while (!queue.isEmpty()) {
            String m = queue.poll();
            for (String d : graph.successors(m)) {
                if (d.equals(name)) {
                    List<String> path = new ArrayList<>();
                    for (String k = m; k != null; k = parent.get(k)) {
                        path.add(k);
                    }
                    Collections.reverse(path);
                    path.add(name);
                    return Optional.of(path);
                }
                if (!parent.containsKey(d) && !d.equals(name)) {
                    parent.put(d, m);
                    queue.add(d);
                }
            }
        }
        return Optional.empty();
    }
}
