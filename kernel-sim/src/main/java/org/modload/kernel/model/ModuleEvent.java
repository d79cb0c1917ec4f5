package org.modload.kernel.model;

import java.util.Objects;

/**
 * A change of the module list, as Linux's module tracepoints report it. A kernel reports its
 * events with its module mutex held, so their order is the order of the changes.
 *
 * @param kind what happened
 * @param module the module's name
 */
public record ModuleEvent(Kind kind, String module) {

    /** What happened to the module. */
    public enum Kind {
        /** A load completed: the module went LIVE. */
        LIVE,
        /** delete_module freed a LIVE module (forced or not). */
        UNLOADED
    }

    public ModuleEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(module, "module");
    }
}
