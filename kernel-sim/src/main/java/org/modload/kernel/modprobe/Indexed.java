package org.modload.kernel.modprobe;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.modload.kernel.depmod.KmodIndex;
import org.modload.kernel.depmod.ModuleLookup;

/** {@link ModuleSource} over kmod's {@code .bin} indexes, read with the depmod package's reader. */
final class Indexed implements ModuleSource {
    private final String dirname;
    private final ModuleLookup lookup;

    Indexed(String dirname) {
        this.dirname = dirname;
        this.lookup = new ModuleLookup(dirname);
    }

    @Override
    public String dirname() {
        return dirname;
    }

    @Override
    public Optional<String> depLine(String name) {
        return lookup.depLine(name);
    }

    @Override
    public List<String> aliased(AliasIndex index, String key) {
        return KmodIndex.open(Path.of(dirname, index.file())).map(i -> i.searchWild(key)).orElse(List.of());
    }

    @Override
    public boolean isBuiltin(String name) {
        return lookup.isBuiltin(name);
    }
}
