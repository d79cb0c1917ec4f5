package org.modload.kernel.model;

import java.util.Objects;

/**
 * One entry of the kernel's module list as {@code /proc/modules} and lsmod walk it: a formed
 * module, or, on a {@link LoadPolicy#LEGACY_2_4} kernel, the entry {@code create_module} made
 * for a module whose {@code init_module} has not (yet) come.
 */
public sealed interface ModuleListEntry {

    /** The module name. */
    String name();

    /** A formed module (COMING, LIVE or GOING). */
    record Formed(ModuleView module) implements ModuleListEntry {
        public Formed {
            Objects.requireNonNull(module, "module");
        }

        @Override
        public String name() {
            return module.name();
        }
    }

    /**
     * What 2.4's lsmod showed as {@code (uninitialized)}: a name and memory reserved by
     * {@code create_module}, with no code, symbols, references or users.
     *
     * @param name the name create_module was given
     * @param address what create_module returned: where the image must be relocated to
     * @param size the bytes reserved
     */
    record Uninitialized(String name, long address, long size) implements ModuleListEntry {
        public Uninitialized {
            Objects.requireNonNull(name, "name");
        }
    }
}
