package org.modload.kernel.depmod;

import java.util.List;
import java.util.Optional;

/**
 * What depmod computed for a tree: every module's dependencies, in kmod's module order (the
 * order of {@code modules.order}, then the modules it does not list).
 *
 * @param modules one entry per module, in output order
 */
public record DepmodResult(List<ModuleDependencies> modules) {

    public DepmodResult {
        modules = List.copyOf(modules);
    }

    /** The {@code modules.dep} lines, in order, without newlines. */
    public List<String> lines() {
        return modules.stream().map(ModuleDependencies::line).toList();
    }

    /** The text of {@code modules.dep}: every line followed by a newline. */
    public String modulesDep() {
        StringBuilder b = new StringBuilder();
        for (ModuleDependencies m : modules) {
            b.append(m.line()).append('\n');
        }
        return b.toString();
    }

    /** The entry for the module at {@code path} (relative to the module directory), if any. */
    public Optional<ModuleDependencies> module(String path) {
        return modules.stream().filter(m -> m.path().equals(path)).findFirst();
    }
}
