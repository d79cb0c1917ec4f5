package org.modload.kernel.diag;

import org.modload.loader.diag.Location;

/**
 * A module tree cannot be read as one: its directory is missing, a module file has a form we do
 * not read, or two modules have one name. The message is {@code path: detail}, e.g.
 * {@code kernel/lib/foo.ko.zst: zstd-compressed modules are not supported}.
 */
public final class ModuleTreeException extends KernelInputException {

    private static final long serialVersionUID = 1L;

    private ModuleTreeException(String path, String detail) {
        super(Location.ofFile(path), detail, path + ": " + detail, null);
    }

    /**
     * A problem with {@code path} (the tree, or a module file relative to it).
     *
     * @param detail what is wrong, without the path
     */
    public static ModuleTreeException of(String path, String detail) {
        return new ModuleTreeException(path, detail);
    }
}
