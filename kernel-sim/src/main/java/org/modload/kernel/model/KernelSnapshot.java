package org.modload.kernel.model;

import java.util.List;

/**
 * Everything observable of a kernel's module system at one moment, for comparing before and
 * after: modules with their state, references and edges, the exported symbols, memory in use.
 *
 * @param modules one line per module: {@code name state refcount uses=[..] usedBy=[..] size}
 * @param symbols the names of all symbols exported by modules, sorted
 * @param memoryInUse module memory allocated, in bytes
 * @param allocations the number of allocated ranges
 * @param taints the kernel's taint letters
 */
public record KernelSnapshot(List<String> modules, List<String> symbols, long memoryInUse, int allocations,
        String taints) {

    public KernelSnapshot {
        modules = List.copyOf(modules);
        symbols = List.copyOf(symbols);
    }
}
