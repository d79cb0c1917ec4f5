package org.modload.kernel.model;

import java.util.Optional;

/** Fails chosen load phases, for tests of the undoing: a load asks it on entering each phase. */
@FunctionalInterface
public interface FaultInjection {

    /**
     * Called once as a load enters {@code phase}, on the loading thread; must not block.
     *
     * @return the errno {@code phase} must fail with, or empty to let it run
     */
    Optional<Errno> at(LoadPhase phase);

    /** No faults. */
    static FaultInjection none() {
        return phase -> Optional.empty();
    }

    /** {@code failing} fails with {@code errno}; every other phase runs. */
    static FaultInjection failAt(LoadPhase failing, Errno errno) {
        return phase -> phase == failing ? Optional.of(errno) : Optional.empty();
    }
}
