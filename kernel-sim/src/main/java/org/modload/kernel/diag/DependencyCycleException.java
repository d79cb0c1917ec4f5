package org.modload.kernel.diag;

import java.util.List;

import org.modload.loader.diag.Location;

/**
 * Some modules need each other in a cycle, so no load order exists; kmod's depmod refuses such a
 * tree too ("Cycle detected"). Carries one cycle (its first module is the {@link #location()})
 * and how many modules lie on cycles, and builds its message once:
 * {@code dependency cycle: kernel/a.ko -> kernel/b.ko -> kernel/a.ko (2 modules in dependency cycles)}.
 */
public final class DependencyCycleException extends KernelInputException {

    private static final long serialVersionUID = 1L;

    private final List<String> cycle;
    private final int modulesInCycles;

    /**
     * @param cycle the modules (paths or names) of one cycle in dependency order, the first
     *     repeated at the end
     * @param modulesInCycles how many modules lie on some cycle
     */
    public DependencyCycleException(List<String> cycle, int modulesInCycles) {
        super(Location.ofFile(cycle.get(0)), detail(cycle, modulesInCycles), detail(cycle, modulesInCycles), null);
        this.cycle = List.copyOf(cycle);
        this.modulesInCycles = modulesInCycles;
    }

    private static String detail(List<String> cycle, int modulesInCycles) {
        return "dependency cycle: " + String.join(" -> ", cycle) + " (" + modulesInCycles
                + (modulesInCycles == 1 ? " module" : " modules") + " in dependency cycles)";
    }

    /** The modules of one cycle, in dependency order, its first module repeated at the end. */
    public List<String> cycle() {
        return cycle;
    }

    /** How many modules lie on some cycle. */
    public int modulesInCycles() {
        return modulesInCycles;
    }
}
