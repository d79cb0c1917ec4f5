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
 * @param keyring the keys module signatures are checked against (the certificates compiled into
 *     the image, and any added)
 */
public record KernelConfig(Machine machine, String release, Optional<String> vermagic, OptionalLong structModuleSize,
        boolean modversions, List<KernelSymbol> exports, long moduleAreaSize, Keyring keyring) {

    public KernelConfig {
        Objects.requireNonNull(machine);
        Objects.requireNonNull(release);
        Objects.requireNonNull(vermagic);
        Objects.requireNonNull(structModuleSize);
        Objects.requireNonNull(keyring);
        exports = List.copyOf(exports);
    }

    /** A kernel without keys: every signed module fails its check with ENOKEY. */
    public KernelConfig(Machine machine, String release, Optional<String> vermagic, OptionalLong structModuleSize,
            boolean modversions, List<KernelSymbol> exports, long moduleAreaSize) {
        this(machine, release, vermagic, structModuleSize, modversions, exports, moduleAreaSize, Keyring.empty());
    }

    /** This configuration with another keyring. */
    public KernelConfig withKeyring(Keyring k) {
        return new KernelConfig(machine, release, vermagic, structModuleSize, modversions, exports, moduleAreaSize, k);
    }
}
