package org.modload.kernel;

import java.util.Objects;
import java.util.Optional;

import org.modload.kernel.core.LoadRequest;
import org.modload.kernel.model.FaultInjection;
import org.modload.kernel.model.ModulePlacement;

/**
 * How one module is loaded.
 *
 * @param ignoreVermagic modprobe --force-vermagic: the vermagic check is skipped (taints F)
 * @param ignoreModversions modprobe --force-modversion: CRCs are not compared (taints F)
 * @param hooks the module's init and exit
 * @param faults fault injection: the errno a phase should fail with, for tests
 * @param placement where the module must go instead of where the kernel's allocators put it
 */
public record LoadOptions(boolean ignoreVermagic, boolean ignoreModversions, ModuleHooks hooks, FaultInjection faults,
        Optional<ModulePlacement> placement) {

    public LoadOptions {
        Objects.requireNonNull(hooks);
        Objects.requireNonNull(faults);
        Objects.requireNonNull(placement);
    }

    /** Options that let the kernel's allocators place the module. */
    public LoadOptions(boolean ignoreVermagic, boolean ignoreModversions, ModuleHooks hooks, FaultInjection faults) {
        this(ignoreVermagic, ignoreModversions, hooks, faults, Optional.empty());
    }

    /** Strict checks, recording hooks, no faults. */
    public static LoadOptions defaults() {
        return new LoadOptions(false, false, ModuleHooks.recording(), FaultInjection.none());
    }

    /** These options with other init and exit hooks. */
    public LoadOptions withHooks(ModuleHooks h) {
        return new LoadOptions(ignoreVermagic, ignoreModversions, h, faults, placement);
    }

    /** These options with faults injected by {@code f}. */
    public LoadOptions withFaults(FaultInjection f) {
        return new LoadOptions(ignoreVermagic, ignoreModversions, hooks, f, placement);
    }

    /** These options with the vermagic check skipped, as modprobe --force-vermagic. */
    public LoadOptions ignoringVermagic() {
        return new LoadOptions(true, ignoreModversions, hooks, faults, placement);
    }

    /** These options with no CRC compared, as modprobe --force-modversion. */
    public LoadOptions ignoringModversions() {
        return new LoadOptions(ignoreVermagic, true, hooks, faults, placement);
    }

    /** These options with the module put at {@code p}'s addresses (ENOMEM when they are taken). */
    public LoadOptions placedAt(ModulePlacement p) {
        return new LoadOptions(ignoreVermagic, ignoreModversions, hooks, faults, Optional.of(p));
    }

    /** What the loader takes of these options. */
    LoadRequest request() {
        return new LoadRequest(ignoreVermagic, ignoreModversions, faults, placement);
    }
}
