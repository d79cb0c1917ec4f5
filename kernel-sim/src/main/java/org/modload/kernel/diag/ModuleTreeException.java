package org.modload.kernel.diag;

import org.modload.loader.diag.Location;

/**
 * A module tree cannot be read as one: its directory is missing, holds no module, or holds
 * modules of several releases. The message is {@code path: detail}, e.g.
 * {@code /lib/modules: holds modules of 2 releases (6.1.0-57-amd64, 6.12.118+deb13-amd64): name one ...},
 * or for an empty tree {@code no modules under DIR (no *.ko, *.ko.gz, *.ko.xz or *.ko.zst file)}.
 */
public final class ModuleTreeException extends KernelInputException {

    private static final long serialVersionUID = 1L;

    private ModuleTreeException(String path, String detail, String message) {
        super(Location.ofFile(path), detail, message, null);
    }

    /**
     * A problem with {@code path} (the tree, or a module file relative to it).
     *
     * @param detail what is wrong, without the path
     */
    public static ModuleTreeException of(String path, String detail) {
        return new ModuleTreeException(path, detail, path + ": " + detail);
    }

    /** No module file lies under the tree {@code dir}: {@code no modules under DIR (...)}. */
    public static ModuleTreeException noModules(String dir) {
        String detail = "no *.ko, *.ko.gz, *.ko.xz or *.ko.zst file";
        return new ModuleTreeException(dir, detail, "no modules under " + dir + " (" + detail + ")");
    }
}
