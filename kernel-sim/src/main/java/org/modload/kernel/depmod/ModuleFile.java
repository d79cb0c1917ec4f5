package org.modload.kernel.depmod;

import java.util.List;
import java.util.Objects;

/**
 * One module of a tree, as depmod knows it.
 *
 * @param path the file's path relative to the module directory, with {@code /} separators, as
 *     {@code modules.dep} and {@code modules.order} spell it, e.g. {@code kernel/net/qrtr/qrtr.ko};
 *     absolute for a module named on depmod's command line outside the module directory
 * @param name the module name kmod derives from the file name: up to the first {@code .}, with
 *     {@code -} turned into {@code _}, e.g. {@code qrtr_mhi} for {@code qrtr-mhi.ko}
 * @param symbols what it exports and needs
 * @param info its {@code .modinfo} entries as kmod reads them ({@link ModinfoStrings}), in
 *     section order: {@code alias} and {@code softdep} make modules.alias, modules.softdep and
 *     modules.devname
 */
public record ModuleFile(String path, String name, ModuleSymbols symbols, List<ModinfoStrings.Entry> info) {

    public ModuleFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(symbols, "symbols");
        info = List.copyOf(info);
    }

    /** A module at {@code path}, named as kmod names it (see {@link #nameOf}), without modinfo. */
    public static ModuleFile of(String path, ModuleSymbols symbols) {
        return new ModuleFile(path, nameOf(path), symbols, List.of());
    }

    /**
     * kmod's module name for a path: the file name up to its first {@code .}, with every
     * {@code -} replaced by {@code _}.
     */
    public static String nameOf(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        int dot = base.indexOf('.');
        return (dot < 0 ? base : base.substring(0, dot)).replace('-', '_');
    }

    /** The values of the {@code .modinfo} entries called {@code key}, in section order. */
    public List<String> values(String key) {
        return info.stream().filter(e -> e.key().equals(key)).map(ModinfoStrings.Entry::value).toList();
    }
}
