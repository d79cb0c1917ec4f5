package org.modload.kernel.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.modload.kernel.Kernel;
import org.modload.kernel.KernelParameters;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.boot.BuiltinKernel;
import org.modload.kernel.boot.KernelBoot;
import org.modload.kernel.image.KernelBuildConfig;
import org.modload.kernel.image.KernelImage;
import org.modload.kernel.model.KernelConfig;
import org.modload.kernel.model.LoadPolicy;
import org.modload.kernel.model.SignaturePolicy;
import org.modload.kernel.model.TrustedKey;
import org.modload.kernel.model.UnloadPolicy;
import org.modload.kernel.symvers.ModuleSymvers;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;

import picocli.CommandLine.Option;

/**
 * The kernel a command boots: from {@code --symvers} (the kernel's exports, CRCs, GPL-only,
 * namespaces) with addresses from {@code --kernel-image} (its export tables) or a real
 * {@code --system-map}, else synthetic addresses; from the image alone; or the built-in kernel
 * of {@code --arch}. Module signatures are checked against the image's keys and those of
 * {@code --cert} files, and enforced with {@code --sig-enforce}. The architectures are the ones
 * ServiceLoader finds: the command line is where modload discovers plugins. {@code --load-policy}
 * and {@code --unload-policy} choose the two policies of the 2002 debate (Linux's by default).
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

    @Option(names = "--load-policy", paramLabel = "POLICY", defaultValue = "linux",
            description = "linux (one init_module call, nothing left behind on failure) or legacy-2.4 (create_module,"
                    + " relocation by insmod in userspace, init_module). Default: ${DEFAULT-VALUE}.")
    String loadPolicy;

    @Option(names = "--unload-policy", paramLabel = "POLICY", defaultValue = "linux",
            description = "linux (references gate delete_module, exit cannot fail) or exit-may-fail (the module's exit"
                    + " decides). Default: ${DEFAULT-VALUE}.")
    String unloadPolicy;

    /**
     * The kernel parameters the policy options name.
     *
     * @throws UsageException for a policy that does not exist
     */
    KernelParameters parameters() {
        LoadPolicy load = LoadPolicy.named(loadPolicy).orElseThrow(() -> new UsageException(
                "--load-policy: no policy '" + loadPolicy + "' (linux, legacy-2.4)"));
        UnloadPolicy unload = UnloadPolicy.named(unloadPolicy).orElseThrow(() -> new UsageException(
                "--unload-policy: no policy '" + unloadPolicy + "' (linux, exit-may-fail)"));
        return KernelParameters.defaults().withLoadPolicy(load).withUnloadPolicy(unload)
                .withSignaturePolicy(sigEnforce ? SignaturePolicy.ENFORCE : SignaturePolicy.WARN);
    }

    @Option(names = "--sig-enforce", description = "Refuse modules whose signature is not verified (module.sig_enforce=1).")
    boolean sigEnforce;

    @Option(names = "--cert", paramLabel = "FILE", description = "Also trust the certificates of this file (DER or PEM)"
            + " for module signatures; repeatable.")
    List<Path> certs = List.of();

    LoadOptions loadOptions() {
        LoadOptions o = LoadOptions.defaults();
        return new LoadOptions(forceVermagic, forceModversion, o.hooks(), o.faults());
    }

    /**
     * Reads the given files and boots the kernel they describe, with its keyring and the
     * {@code --cert} keys, enforcing signatures with {@code --sig-enforce}.
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
        List<TrustedKey> more = VerifyCommand.certificateKeys(certs);
        KernelParameters parameters = parameters();
        return Kernel.boot(config.withKeyring(config.keyring().with(more)), archs, parameters);
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
