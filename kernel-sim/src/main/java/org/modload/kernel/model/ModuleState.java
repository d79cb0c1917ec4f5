package org.modload.kernel.model;

import java.util.EnumSet;
import java.util.Set;

/** Linux's module states, with the transitions the module system makes. */
public enum ModuleState {
    /** Still being set up: not visible to symbol lookup, cannot be referenced. */
    UNFORMED,
    /** Formed, exports visible, init running. */
    COMING,
    /** Initialized; try_module_get succeeds only here. */
    LIVE,
    /** Being removed (unload, or a failed init). */
    GOING;

    /** The states this one may move to. */
    public Set<ModuleState> successors() {
        return switch (this) {
            case UNFORMED -> EnumSet.of(COMING, GOING);
            case COMING -> EnumSet.of(LIVE, GOING);
            case LIVE -> EnumSet.of(GOING);
            case GOING -> EnumSet.noneOf(ModuleState.class);
        };
    }

    /** Whether the module system may move from this state to {@code next}. */
    public boolean canMoveTo(ModuleState next) {
        return successors().contains(next);
    }

    /** The word /proc/modules prints. */
    public String procName() {
        return switch (this) {
            case UNFORMED -> "Unformed";
            case COMING -> "Loading";
            case LIVE -> "Live";
            case GOING -> "Unloading";
        };
    }
}
