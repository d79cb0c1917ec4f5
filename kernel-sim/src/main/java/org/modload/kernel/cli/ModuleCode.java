package org.modload.kernel.cli;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.modload.kernel.Kernel;
import org.modload.kernel.ModuleHooks;
import org.modload.kernel.model.ModuleView;

/**
 * The command line's stand-in for module code, which the simulation does not run: every init
 * succeeds, and a module's exit returns what the shell's {@code exit-returns NAME VALUE} last
 * set for it (0 until then). A Linux kernel ignores that value (its exit is void); a kernel
 * booted with {@code --unload-policy exit-may-fail} obeys it. One instance per session.
 */
final class ModuleCode implements ModuleHooks {
    private final Map<String, Integer> exits = new ConcurrentHashMap<>();

    /** From now on, {@code module}'s exit returns {@code value} (0 or a negative errno). */
    void exitReturns(String module, int value) {
        exits.put(module, value);
    }

    @Override
    public int init(Kernel kernel, ModuleView module) {
        return 0;
    }

    @Override
    public void exit(Kernel kernel, ModuleView module) {
        // Linux's exit cannot refuse: whatever this module's exit would return is dropped.
    }

    @Override
    public int fallibleExit(Kernel kernel, ModuleView module) {
        return exits.getOrDefault(module.name(), 0);
    }
}
