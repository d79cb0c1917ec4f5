package org.modload.kernel.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.modload.kernel.Kernel;
import org.modload.kernel.KernelBoot;
import org.modload.kernel.KernelConfig;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.image.KernelImage;
import org.modload.kernel.symvers.ModuleSymvers;
import org.modload.loader.elf.Machine;

import picocli.CommandLine.Option;

/**
 * The kernel a command boots: from {@code --symvers} (the kernel's exports, CRCs, GPL-only,
 * namespaces) with addresses from {@code --kernel-image} (its export tables) or a real
 * {@code --system-map}, else synthetic addresses; from the image alone; or the built-in kernel
 * of {@code --arch}.
 */
final class KernelOptions {

    @Option(names = "--kernel-image", paramLabel = "VMLINUZ", description = "The kernel image (bzImage): export addresses, CRCs, vermagic.")
    Path kernelImage;

    @Option(names = "--symvers", paramLabel = "SYMVERS", description = "Module.symvers: the kernel's exports with CRCs.")
    Path symvers;

    @Option(names = "--system-map", paramLabel = "MAP", description = "A real System.map for export addresses.")
    Path systemMap;

    @Option(names = "--arch", paramLabel = "ARCH", description = "The built-in kernel's architecture when no kernel is given: x86_64 (default), i386, ia64.")
    String arch;

    @Option(names = "--force-vermagic", description = "Ignore version magic (modprobe --force-vermagic); taints.")
    boolean forceVermagic;

    @Option(names = "--force-modversion", description = "Ignore symbol CRCs (modprobe --force-modversion); taints.")
    boolean forceModversion;

    LoadOptions loadOptions() {
        LoadOptions o = LoadOptions.defaults();
        return new LoadOptions(forceVermagic, forceModversion, o.hooks(), o.faults());
    }

    Kernel boot() throws IOException {
        KernelImage image = kernelImage == null ? null : KernelImage.read(kernelImage);
        if (symvers == null && image == null && systemMap == null) {
            return Kernel.boot(KernelConfig.builtin(machine(arch)));
        }
        if (symvers == null && image != null && systemMap == null) {
            return Kernel.boot(KernelBoot.fromImage(image, KernelBoot.release(image)));
        }
        if (symvers == null) {
            throw new IllegalArgumentException("--system-map needs --symvers (the map has no CRCs or export flags)");
        }
        Map<String, Long> map = new HashMap<>();
        if (systemMap != null) {
            AddressFiles.symbols(systemMap).forEach((n, d) -> map.put(n, d.address()));
        }
        return Kernel.boot(KernelBoot.fromSymvers(ModuleSymvers.read(symvers), Optional.ofNullable(image), map,
                image != null ? image.machine() : machine(arch)));
    }

    private static Machine machine(String arch) {
        if (arch == null || arch.equals("x86_64")) {
            return Machine.EM_X86_64;
        }
        if (arch.equals("i386")) {
            return Machine.EM_386;
        }
        if (arch.equals("ia64")) {
            return Machine.EM_IA_64;
        }
        throw new IllegalArgumentException("--arch: x86_64, i386 or ia64, not '" + arch + "'");
    }
}
