package org.modload.kernel.core;

import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.ModuleView;

/**
 * One module being brought to life, split where the caller runs the module's init without the
 * mutex: {@link ModuleLoader} (Linux's one call) and {@link LegacyLoader} (2.4's init_module)
 * both form a module this way. One instance serves one load on one thread.
 */
public interface ModuleFormation {

    /**
     * Everything up to COMING: the module is formed, its exports visible, its init not run.
     * Called once.
     *
     * @return the module in state COMING
     * @throws KernelException with the errno and phase of the first failure; what the call
     *     changed is undone
     */
    ModuleView prepare();

    /** The module being formed, once {@link #prepare} returned. */
    Module module();

    /**
     * After the caller ran init: LIVE, or, when init failed, everything of the formation undone.
     * Called once, after {@link #prepare}.
     *
     * @param ret what init returned: 0 or a negative errno
     * @param thrown what init threw, or null
     * @return the LIVE module
     * @throws KernelException INIT with init's errno, or LIVE for a fault injected there
     */
    ModuleView complete(int ret, RuntimeException thrown);
}
