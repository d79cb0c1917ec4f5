package org.modload.kernel.depmod;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What depmod computed for a tree: every module's dependencies, in kmod's module order (the
 * order of {@code modules.order}, then the modules it does not list), the symbols modules own in
 * kmod's symbol-table order, and what kmod would have said while computing.
 *
 * @param modules one entry per module, in output order
 * @param files the modules themselves, in the same order (a module's index there is the priority
 *     kmod gives its values in the binary indexes)
 * @param symbols the symbols some module exports, each with its last exporter, in the iteration
 *     order of kmod's symbol hash (modules.symbols' order)
 * @param warnings the unknown-symbol and version-mismatch warnings of {@code -e}, in kmod's order,
 *     each as {@code WARNING: message} (the program name not included)
 * @param shown the {@code -v} lines kmod prints on standard output, one per dependency found
 */
public record DepmodResult(List<ModuleDependencies> modules, List<ModuleFile> files, List<SymbolOwner> symbols,
        List<String> warnings, List<String> shown) {

    /**
     * A symbol and the module that exports it.
     *
     * @param name the symbol
     * @param module the owner's index in {@link #modules()}
     */
    public record SymbolOwner(String name, int module) {
        public SymbolOwner {
            Objects.requireNonNull(name, "name");
        }
    }

    public DepmodResult {
        modules = List.copyOf(modules);
        files = List.copyOf(files);
        symbols = List.copyOf(symbols);
        warnings = List.copyOf(warnings);
        shown = List.copyOf(shown);
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
