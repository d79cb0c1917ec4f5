package org.modload.kernel.model;

import java.util.Optional;

/**
 * Fails chosen load phases or unload steps, for tests of the undoing: a load asks it on entering
 * each phase, delete_module before each of its steps.
 */
@FunctionalInterface
public interface FaultInjection {

    /**
     * Called once as a load enters {@code phase}, on the loading thread; must not block.
     *
     * @return the errno {@code phase} must fail with, or empty to let it run
     */
    Optional<Errno> at(LoadPhase phase);

    /**
     * Called once as delete_module reaches {@code step}, on the unloading thread (with the module
     * mutex held for every step but {@link UnloadStep#EXIT}); must not block. No step fails by default.
     *
     * @return the errno {@code step} must fail with, or empty to let it run
     */
    default Optional<Errno> at(UnloadStep step) {
        return Optional.empty();
    }

    /** No faults. */
    static FaultInjection none() {
        return phase -> Optional.empty();
    }

    /** Unload step {@code failing} fails with {@code errno}; every load phase and other step runs. */
    static FaultInjection failAt(UnloadStep failing, Errno errno) {
        return new FaultInjection() {
            @Override
            public Optional<Errno> at(LoadPhase phase) {
                return Optional.empty();
            }

            @Override
            public Optional<Errno> at(UnloadStep step) {
                return step == failing ? Optional.of(errno) : Optional.empty();
            }
        };
    }

    /** {@code failing} fails with {@code errno}; every other phase runs. */
    static FaultInjection failAt(LoadPhase failing, Errno errno) {
        return phase -> phase == failing ? Optional.of(errno) : Optional.empty();
    }
}
