package org.modload.kernel.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.modload.kernel.depmod.ModuleDirectory;
import org.modload.kernel.depmod.ModuleFile;
import org.modload.kernel.modprobe.ModuleSource;
import org.modload.kernel.tree.TreeLoader;

/**
 * The modules of a {@code --tree} depmod has not run on, as a {@link ModuleSource}: each module
 * the walk keeps ({@link ModuleDirectory}) under its name, its {@code modules.dep} line made up
 * from the {@code depends} entries of the modules it needs, transitively, the way depmod orders
 * it (the last to load first). There are no aliases, symbols or built-ins: those need depmod's
 * indexes.
 */
final class ScannedModules implements ModuleSource {
    private final String dirname;
    private final Map<String, String> paths = new HashMap<>();
    private final Map<String, List<String>> depends = new HashMap<>();
    private final Path root;

    ScannedModules(String dirname, ModuleDirectory modules) {
        this.dirname = dirname;
        this.root = modules.root();
        for (String rel : modules.modules()) {
            paths.put(ModuleFile.nameOf(rel), rel);
        }
    }

    @Override
    public String dirname() {
        return dirname;
    }

    @Override
    public Optional<String> depLine(String name) {
        String rel = paths.get(name);
        if (rel == null) {
            return Optional.empty();
        }
        Set<String> order = new LinkedHashSet<>();
        visit(name, order, new LinkedHashSet<>());
        order.remove(name);
        List<String> line = new ArrayList<>();
        for (String m : order) {
            line.add(0, paths.get(m));
        }
        return Optional.of(rel + ":" + (line.isEmpty() ? "" : " " + String.join(" ", line)));
    }

    /** Load order: every module's dependencies before it. */
    private void visit(String name, Set<String> order, Set<String> path) {
        if (order.contains(name) || !path.add(name) || !paths.containsKey(name)) {
            return;
        }
        for (String d : dependsOf(name)) {
            visit(d, order, path);
        }
        order.add(name);
    }

    private List<String> dependsOf(String name) {
        return depends.computeIfAbsent(name, n -> {
            try {
                return TreeLoader.depends(root.resolve(paths.get(n)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public List<String> aliased(AliasIndex index, String key) {
        return List.of();
    }

    @Override
    public boolean isBuiltin(String name) {
        return false;
    }
}
