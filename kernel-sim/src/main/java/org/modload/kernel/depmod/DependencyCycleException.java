package org.modload.kernel.depmod;

import java.util.List;

/**
 * Some modules need each other in a cycle, so no load order exists; kmod's depmod refuses such a
 * tree too ("Cycle detected"). Carries one cycle and how many modules lie on cycles, and builds
 * its message once:
 * {@code dependency cycle: kernel/a.ko -> kernel/b.ko -> kernel/a.ko (2 modules in dependency cycles)}.
 */
public final class DependencyCycleException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final List<String> cycle;
    private final int modulesInCycles;

    DependencyCycleException(List<String> cycle, int modulesInCycles) {
        super("dependency cycle: " + String.join(" -> ", cycle) + " (" + modulesInCycles
                + (modulesInCycles == 1 ? " module" : " modules") + " in dependency cycles)");
        this.cycle = List.copyOf(cycle);
        this.modulesInCycles = modulesInCycles;
    }

    /** The paths of one cycle, in dependency order, its first module repeated at the end. */
    public List<String> cycle() {
        return cycle;
    }

    /** How many modules lie on some cycle. */
    public int modulesInCycles() {
        return modulesInCycles;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
