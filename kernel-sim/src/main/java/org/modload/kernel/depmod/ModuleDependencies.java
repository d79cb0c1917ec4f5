package org.modload.kernel.depmod;

import java.util.List;
import java.util.Objects;

/**
 * The dependencies of one module, in kmod's order: modules that nothing else needs come first,
 * each module before the modules it needs (a topological order seeded by {@code modules.order}).
 *
 * @param path the module's path relative to the module directory
 * @param name its module name
 * @param dependencies the paths of the modules that export a symbol it needs (direct dependencies)
 * @param allDependencies the paths of every module it needs directly or indirectly: its
 *     {@code modules.dep} line
 * @param unknownSymbols the non-weak symbols it needs that neither a module nor the kernel
 *     (as far as the caller said) exports, in the order the module names them
 */
public record ModuleDependencies(String path, String name, List<String> dependencies,
        List<String> allDependencies, List<String> unknownSymbols) {

    public ModuleDependencies {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(name, "name");
        dependencies = List.copyOf(dependencies);
        allDependencies = List.copyOf(allDependencies);
        unknownSymbols = List.copyOf(unknownSymbols);
    }

    /** The module's {@code modules.dep} line, without its newline: {@code path: dep1 dep2}. */
    public String line() {
        StringBuilder b = new StringBuilder(path).append(':');
        for (String d : allDependencies) {
            b.append(' ').append(d);
        }
        return b.toString();
    }
}
