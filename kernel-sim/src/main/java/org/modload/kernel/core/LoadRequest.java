package org.modload.kernel.core;

import java.util.Objects;
import java.util.Optional;

import org.modload.kernel.model.FaultInjection;
import org.modload.kernel.model.ModulePlacement;

/**
 * What the loader needs of a caller's load options.
 *
 * @param ignoreVermagic skip the vermagic comparison (taints F)
 * @param ignoreModversions compare no CRCs (taints F)
 * @param faults the errno each phase should fail with, for tests
 * @param placement fixed addresses for the module's memory, instead of the allocators' choice
 */
public record LoadRequest(boolean ignoreVermagic, boolean ignoreModversions, FaultInjection faults,
        Optional<ModulePlacement> placement) {

    public LoadRequest {
        Objects.requireNonNull(faults, "faults");
        Objects.requireNonNull(placement, "placement");
    }
}
