package org.modload.kernel.core;

import java.util.Objects;

import org.modload.kernel.model.FaultInjection;

/**
 * What the loader needs of a caller's load options.
 *
 * @param ignoreVermagic skip the vermagic comparison (taints F)
 * @param ignoreModversions compare no CRCs (taints F)
 * @param faults the errno each phase should fail with, for tests
 */
public record LoadRequest(boolean ignoreVermagic, boolean ignoreModversions, FaultInjection faults) {

    public LoadRequest {
        Objects.requireNonNull(faults, "faults");
    }
}
