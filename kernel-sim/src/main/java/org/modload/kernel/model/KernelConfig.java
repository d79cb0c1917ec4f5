package org.modload.kernel.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.elf.Machine;

/**
 * What a kernel is booted with; made by the boot sources ({@code org.modload.kernel.boot}:
 * a kernel image, Module.symvers, the built-in table).
 *
 * @param machine the architecture; modules for others are refused
 * @param release the kernel release ({@code 6.1.0-50-amd64}), for messages and /lib/modules
 * @param vermagic the kernel's vermagic string; empty skips the check (a synthetic kernel)
 * @param structModuleSize sizeof(struct module), which .gnu.linkonce.this_module must match; empty skips the check
 * @param modversions whether CRCs are checked (CONFIG_MODVERSIONS)
 * @param exports the kernel's own exported symbols
 * @param moduleAreaSize the size of the module area, from the architecture's module area base
 * @param percpuBase where modules' static per-cpu data starts: right after the kernel's own
 *     ({@code __per_cpu_end}, where Linux's first per-cpu chunk keeps its module reserve or, on
 *     architectures without one, its dynamic area begins); how much of it modules may take is
 *     the architecture's {@code KernelSupport.percpuModuleReserve()}
 * @param kallsymsAll CONFIG_KALLSYMS_ALL: modules' data and per-cpu symbols stay in kallsyms
 *     after init, not only their text symbols
 * @param keyring the keys module signatures are checked against (the certificates compiled into
 *     the image, and any added)
 */
public record KernelConfig(Machine machine, String release, Optional<String> vermagic, OptionalLong structModuleSize,
        boolean modversions, List<KernelSymbol> exports, long moduleAreaSize, long percpuBase, boolean kallsymsAll,
        Keyring keyring) {

    public KernelConfig {
        Objects.requireNonNull(machine);
        Objects.requireNonNull(release);
        Objects.requireNonNull(vermagic);
        Objects.requireNonNull(structModuleSize);
        Objects.requireNonNull(keyring);
        exports = List.copyOf(exports);
    }

    /** A made-up start of modules' per-cpu data, for kernels not read from an image. */
    public static final long SYNTHETIC_PERCPU_BASE = 0x40000;

    /**
     * A kernel without keys (every signed module fails its check with ENOKEY) whose modules'
     * per-cpu data starts at {@link #SYNTHETIC_PERCPU_BASE}, built with CONFIG_KALLSYMS_ALL.
     */
    public KernelConfig(Machine machine, String release, Optional<String> vermagic, OptionalLong structModuleSize,
            boolean modversions, List<KernelSymbol> exports, long moduleAreaSize) {
        this(machine, release, vermagic, structModuleSize, modversions, exports, moduleAreaSize,
                SYNTHETIC_PERCPU_BASE, true, Keyring.empty());
    }

    /** This configuration with another keyring. */
    public KernelConfig withKeyring(Keyring k) {
        return new KernelConfig(machine, release, vermagic, structModuleSize, modversions, exports, moduleAreaSize,
                percpuBase, kallsymsAll, k);
    }

    /** This configuration with CONFIG_KALLSYMS_ALL set or not. */
    public KernelConfig withKallsymsAll(boolean all) {
        return new KernelConfig(machine, release, vermagic, structModuleSize, modversions, exports, moduleAreaSize,
                percpuBase, all, keyring);
    }
}
