package org.modload.kernel;

import org.modload.kernel.model.ModuleView;

/**
 * What runs as a module's init and exit. Module code is not executed by the simulated kernel;
 * the default hooks do nothing and succeed. Tests supply hooks that fail, take references or
 * block. Both run without the kernel's module mutex, so they may call the kernel.
 */
public interface ModuleHooks {

    /**
     * Called once in state COMING, without the module mutex (as do_init_module runs init), only
     * when the module has an init function.
     *
     * @param module the module as it is while COMING
     * @return 0 on success or a negative errno, as a module's init returns
     */
    int init(Kernel kernel, ModuleView module);

    /**
     * Called once during delete_module after the module went GOING, without the mutex, when it
     * has an exit function.
     */
    void exit(Kernel kernel, ModuleView module);

    /**
     * The exit Roman Zippel proposed in 2002, which may refuse: called instead of
     * {@link #exit} by a kernel booted with {@link org.modload.kernel.model.UnloadPolicy#EXIT_MAY_FAIL},
     * once during delete_module, without the mutex, when the module has an exit function. The
     * module is GOING meanwhile (no new references or users); a refusal puts it back to LIVE.
     * A Linux kernel never calls it: there the exit cannot say no.
     *
     * @return 0 to let the unload go on, or a negative errno that delete_module returns
     */
    default int fallibleExit(Kernel kernel, ModuleView module) {
        exit(kernel, module);
        return 0;
    }

    /** Hooks that do nothing and succeed. */
    static ModuleHooks recording() {
        return new ModuleHooks() {
            @Override
            public int init(Kernel kernel, ModuleView module) {
                return 0;
            }

            @Override
            public void exit(Kernel kernel, ModuleView module) {
                // Nothing to run: the module's code is not executed in the simulation.
            }
        };
    }
}
