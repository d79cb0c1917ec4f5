package org.modload.kernel;

import org.modload.kernel.boot.BuiltinKernel;
import org.modload.kernel.model.KernelConfig;
import org.modload.loader.elf.Machine;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;

/** The installed architectures and their built-in kernels, for tests. */
public final class TestKernels {
    private static final Architectures INSTALLED = Architectures.installed();

    private TestKernels() {
    }

    /** The installed plugin for {@code machine}. */
    public static Architecture arch(Machine machine) {
        return INSTALLED.find(machine).orElseThrow(() -> new AssertionError("no plugin for " + machine));
    }

    /** The built-in kernel of {@code machine}. */
    public static KernelConfig builtin(Machine machine) {
        return BuiltinKernel.config(arch(machine));
    }

    /** A booted built-in kernel of {@code machine}. */
    public static Kernel boot(Machine machine) {
        return Kernel.boot(builtin(machine), INSTALLED);
    }
}
