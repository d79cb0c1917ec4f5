package org.modload.kernel.insmod;

import java.nio.ByteBuffer;
import java.util.Optional;

import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.FaultInjection;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.LoadPolicy;
import org.modload.kernel.model.ModuleView;

/**
 * insmod as module-init-tools shipped it: one {@code init_module} call with the whole file on a
 * Linux kernel, and on a 2.4 kernel the old two-call insmod ({@link LegacyInsmod}), which
 * module-init-tools ran as {@code insmod.old} there. Stateless.
 */
public final class Insmod {
    private Insmod() {
    }

    /**
     * Inserts one module the way {@code kernel}'s load policy needs.
     *
     * @param bytes the whole file, not changed
     * @return the LIVE module
     * @throws KernelException when the load fails; nothing of it remains
     */
    public static ModuleView insert(Kernel kernel, String file, ByteBuffer bytes, LoadOptions options) {
        Outcome o = run(kernel, file, bytes, options, Optional.empty());
        if (o instanceof Outcome.Loaded loaded) {
            return loaded.module();
        }
        throw new IllegalStateException("insmod of " + file + " was killed without a kill point");
    }

    /**
     * Inserts one module, killing insmod at {@code kill} when given.
     *
     * @return the LIVE module, or where insmod was killed: on Linux's policy the kernel is then
     *     as it was; on 2.4's an entry killed after create_module stays, uninitialized
     * @throws KernelException when the load fails first; nothing of it remains
     * @throws IllegalArgumentException when {@code kill} is not a point of the kernel's policy
     */
    public static Outcome run(Kernel kernel, String file, ByteBuffer bytes, LoadOptions options, Optional<KillPoint> kill) {
        LoadPolicy policy = kernel.parameters().loadPolicy();
        if (policy == LoadPolicy.LEGACY_2_4) {
            if (kill.isPresent() && !(kill.get() instanceof KillPoint.AfterStep)) {
                throw new IllegalArgumentException(kill.get() + " is not a point of 2.4's insmod");
            }
            return LegacyInsmod.run(kernel, file, bytes, options,
                    step -> kill.isPresent() && ((KillPoint.AfterStep) kill.get()).step() == step);
        }
        if (kill.isEmpty()) {
            return new Outcome.Loaded(kernel.load(file, bytes, options));
        }
        if (!(kill.get() instanceof KillPoint.InPhase in)) {
            throw new IllegalArgumentException(kill.get() + " is not a point of Linux's one init_module call");
        }
        FaultInjection faults = options.faults();
        FaultInjection signal = phase -> phase == in.phase() ? Optional.of(Errno.EINTR) : faults.at(phase);
        try {
            return new Outcome.Loaded(kernel.load(file, bytes, options.withFaults(signal)));
        } catch (KernelException e) {
            if (e.errno() == Errno.EINTR && e.phase().equals(Optional.of(in.phase()))) {
                return new Outcome.Killed("in " + in.phase());
            }
            throw e;
        }
    }
}
