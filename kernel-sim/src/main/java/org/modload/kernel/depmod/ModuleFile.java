package org.modload.kernel.depmod;

import java.util.Objects;

/**
 * One module of a tree, as depmod knows it.
 *
 * @param path the file's path relative to the module directory, with {@code /} separators, as
 *     {@code modules.dep} and {@code modules.order} spell it, e.g. {@code kernel/net/qrtr/qrtr.ko}
 * @param name the module name kmod derives from the file name: up to the first {@code .}, with
 *     {@code -} turned into {@code _}, e.g. {@code qrtr_mhi} for {@code qrtr-mhi.ko}
 * @param symbols what it exports and needs
 */
public record ModuleFile(String path, String name, ModuleSymbols symbols) {

    public ModuleFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(symbols, "symbols");
    }

    /** A module at {@code path}, named as kmod names it (see {@link #nameOf}). */
    public static ModuleFile of(String path, ModuleSymbols symbols) {
        return new ModuleFile(path, nameOf(path), symbols);
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
}
