package org.modload.kernel.proc;

import java.util.Optional;

import org.modload.kernel.Kernel;
import org.modload.kernel.model.ModuleView;

/** Files of {@code /sys/module/NAME/} as Linux 6.1 prints them. Stateless. */
public final class SysFs {
    private SysFs() {
    }

    /**
     * {@code /sys/module/NAME/taint} (show_taint): the module's taint letters in Linux's bit
     * order, {@code E} for a module loaded without a verified signature; an empty line when it is
     * untainted. Changes nothing.
     *
     * @return the file's one line, or empty when no module of that name is loaded
     */
    public static Optional<String> moduleTaint(Kernel kernel, String name) {
        return kernel.module(name).map(ModuleView::taintLetters);
    }
}
