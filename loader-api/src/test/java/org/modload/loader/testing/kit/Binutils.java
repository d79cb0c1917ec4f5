package org.modload.loader.testing.kit;

import java.util.Objects;

import org.modload.loader.testing.ExternalTools;
import org.modload.loader.testing.LdDifferential;

/**
 * The GNU binutils of an architecture, named (not looked up) so that a spec can be built on any
 * machine: the tools are found when the differential runs, through {@link ExternalTools}, which
 * skips there on a developer machine and fails under {@code MODLOAD_REQUIRE_TOOLS=1}.
 *
 * @param prefix the tools' prefix, e.g. {@code ia64-linux-gnu-} (empty for the host's)
 * @param debianPackage the package that provides them, for the message
 * @param emulation ld's {@code -m} emulation, e.g. {@code elf_x86_64}
 */
public record Binutils(String prefix, String debianPackage, String emulation) {

    public Binutils {
        Objects.requireNonNull(prefix);
        Objects.requireNonNull(debianPackage);
        Objects.requireNonNull(emulation);
    }

    /** Finds {@code objcopy} and {@code ld}; fails (CI) or skips (developer machine) when missing. */
    LdDifferential.Toolchain toolchain() {
        return new LdDifferential.Toolchain(ExternalTools.require(prefix + "objcopy", debianPackage),
                ExternalTools.require(prefix + "ld", debianPackage), emulation);
    }
}
