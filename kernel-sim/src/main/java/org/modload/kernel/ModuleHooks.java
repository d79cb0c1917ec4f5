package org.modload.kernel;

/**
 * What runs as a module's init and exit. Module code is not executed by the simulated kernel;
 * the default hooks only record that they ran. Tests supply hooks that fail, take references or
 * block.
 */
public interface ModuleHooks {

    /**
     * Called once in state COMING, outside the kernel's module lock (as do_init_module runs
     * init), only when the module has an init function.
     *
     * @return 0 on success or a negative errno, as a module's init returns
     */
    int init(Kernel kernel, Module module);

    /** Called once during delete_module after the module went GOING, when it has an exit function. */
    void exit(Kernel kernel, Module module);

    /** Hooks that do nothing and succeed. */
    static ModuleHooks recording() {
        return new ModuleHooks() {
            @Override
            public int init(Kernel kernel, Module module) {
                return 0;
            }

            @Override
            public void exit(Kernel kernel, Module module) {
                // Nothing to run: the module's code is not executed in the simulation.
            }
        };
    }
}
