package org.modload.kernel.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.boot.BuiltinKernel;
import org.modload.kernel.boot.KernelBoot;
import org.modload.kernel.image.KernelBuildConfig;
import org.modload.kernel.image.KernelImage;
import org.modload.kernel.model.KernelConfig;
import org.modload.kernel.symvers.ModuleSymvers;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;

import picocli.CommandLine.Option;

/**
 * The kernel a command boots: from {@code --symvers} (the kernel's exports, CRCs, GPL-only,
 * namespaces) with addresses from {@code --kernel-image} (its export tables) or a real
 * {@code --system-map}, else synthetic addresses; from the image alone; or the built-in kernel
 * of {@code --arch}. The architectures are the ones ServiceLoader finds: the command line is
 * where modload discovers plugins.
 */
final class KernelOptions {

    @Option(names = "--kernel-image", paramLabel = "VMLINUZ", description = "The kernel image (bzImage): export addresses, CRCs, vermagic.")
    Path kernelImage;

    @Option(names = "--kernel-config", paramLabel = "CONFIG", description = "The kernel's build configuration (default:"
            + " config-RELEASE beside vmlinuz-RELEASE, when there is one): CONFIG_KALLSYMS_ALL.")
    Path kernelConfig;

    @Option(names = "--symvers", paramLabel = "SYMVERS", description = "Module.symvers: the kernel's exports with CRCs.")
    Path symvers;

    @Option(names = "--system-map", paramLabel = "MAP", description = "A real System.map for export addresses.")
    Path systemMap;

    @Option(names = "--arch", paramLabel = "ARCH", description = "The built-in kernel's architecture when no kernel is given,"
            + " by the name 'modload archs' shows last (default: " + ArchNames.DEFAULT + ").")
    String arch;

    @Option(names = "--force-vermagic", description = "Ignore version magic (modprobe --force-vermagic); taints.")
    boolean forceVermagic;

    @Option(names = "--force-modversion", description = "Ignore symbol CRCs (modprobe --force-modversion); taints.")
    boolean forceModversion;

    LoadOptions loadOptions() {
        LoadOptions o = LoadOptions.defaults();
        return new LoadOptions(forceVermagic, forceModversion, o.hooks(), o.faults());
    }

    /**
     * Reads the given files and boots the kernel they describe.
     *
     * @throws UsageException for options that do not go together or an unknown architecture
     */
    Kernel boot() throws IOException {
        Architectures archs = Architectures.installed();
        KernelConfig config = config(archs);
        Optional<Path> build = kernelConfig != null ? Optional.of(kernelConfig)
                : kernelImage == null ? Optional.empty()
                : KernelBuildConfig.besideImage(kernelImage).filter(Files::isRegularFile);
        if (build.isPresent()) {
            config = KernelBoot.withBuildConfig(config, KernelBuildConfig.read(build.get()));
        }
        return Kernel.boot(config, archs);
    }

    private KernelConfig config(Architectures archs) throws IOException {
        KernelImage image = kernelImage == null ? null : KernelImage.read(kernelImage);
        if (symvers == null && image == null && systemMap == null) {
            Architecture a = ArchNames.find(archs, arch == null ? ArchNames.DEFAULT : arch);
            return BuiltinKernel.config(a);
        }
        if (symvers == null && image != null && systemMap == null) {
            return KernelBoot.fromImage(image, KernelBoot.release(image));
        }
        if (symvers == null) {
            throw new UsageException("--system-map needs --symvers (the map has no CRCs or export flags)");
        }
        Map<String, Long> map = new HashMap<>();
        if (systemMap != null) {
            AddressFiles.symbols(systemMap).forEach((n, d) -> map.put(n, d.address()));
        }
        Architecture a = image != null ? archs.require(image.machine(), image.name())
                : ArchNames.find(archs, arch == null ? ArchNames.DEFAULT : arch);
        return KernelBoot.fromSymvers(ModuleSymvers.read(symvers), Optional.ofNullable(image), map, a);
    }
}
