package org.modload.kernel.insmod;

import java.util.Objects;

import org.modload.kernel.model.ModuleView;

/** How an insmod run ended when it did not fail: the module is LIVE, or insmod was killed. */
public sealed interface Outcome {

    /** The module went LIVE. */
    record Loaded(ModuleView module) implements Outcome {
        public Loaded {
            Objects.requireNonNull(module, "module");
        }
    }

    /**
     * insmod was killed; whatever the kernel kept of the load is in its module list.
     *
     * @param at where: {@code after create_module}, {@code in RELOCATE}
     */
    record Killed(String at) implements Outcome {
        public Killed {
            Objects.requireNonNull(at, "at");
        }
    }
}
