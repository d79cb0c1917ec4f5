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
