package org.modload.kernel.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.kernel.image.KernelBuildConfig;
import org.modload.kernel.image.KernelExport;
import org.modload.kernel.image.KernelImage;
import org.modload.kernel.diag.CertificateFormatException;
import org.modload.kernel.model.KernelConfig;
import org.modload.kernel.model.Keyring;
import org.modload.kernel.model.KernelSymbol;
import org.modload.kernel.sig.Certificates;
import org.modload.kernel.symvers.ModuleSymvers;
import org.modload.kernel.symvers.SymversEntry;
import org.modload.loader.spi.Architecture;

/**
 * Kernel configurations for real kernels, from their image or their {@code Module.symvers}.
 * Reads nothing itself: the caller reads the files and hands in the architecture.
 */
public final class KernelBoot {
    private static final long MODULE_AREA = 1L << 30;

    private KernelBoot() {
    }

    /**
     * A kernel from its image alone: the exports (addresses, CRCs, GPL-only, namespaces) of its
     * {@code __ksymtab}/{@code __kcrctab}, its vermagic and sizeof(struct module), and the keys
     * of its certificate list ({@link #keyring}).
     *
     * @throws CertificateFormatException when a certificate of the image cannot be read
     */
    public static KernelConfig fromImage(KernelImage image, String release) {
        List<KernelSymbol> exports = image.exports().stream().map(KernelBoot::symbol).toList();
        return new KernelConfig(image.machine(), release, image.vermagic(), image.structModuleSize(),
                image.modversions(), exports, MODULE_AREA, percpuBase(image), true, keyring(image));
    }

    /**
     * The kernel's built-in trusted keys: one per certificate of the image's
     * {@code system_certificate_list}, as {@code load_system_certificate_list()} adds them at boot.
     *
     * @throws CertificateFormatException when one of them cannot be read (Linux logs such a
     *     certificate and goes on; here a kernel image that carries one is refused, so that a
     *     keyring is never silently short of a key)
     */
    public static Keyring keyring(KernelImage image) {
        return new Keyring(image.certificates().stream().map(c -> Certificates.parse(c.location(), c.der())).toList());
    }

    /**
     * Where modules' per-cpu data starts in a kernel: the end of its own static per-cpu data
     * ({@code __per_cpu_end}: the vmlinux's {@code .data..percpu} section, at 0 on zero-based
     * x86_64), or the synthetic start when the image has no such section.
     */
    public static long percpuBase(KernelImage image) {
        return image.sections().stream().filter(s -> s.name().equals(".data..percpu") && s.allocated()).findFirst()
                .map(s -> s.address() + s.size()).orElse(KernelConfig.SYNTHETIC_PERCPU_BASE);
    }

    /**
     * {@code config} as the kernel's build configuration ({@code /boot/config-RELEASE}) says it
     * was built: CONFIG_KALLSYMS_ALL. Changes nothing.
     */
    public static KernelConfig withBuildConfig(KernelConfig config, KernelBuildConfig build) {
        return config.withKallsymsAll(build.enabled("CONFIG_KALLSYMS_ALL"));
    }

    /** The release a kernel image says it is: vermagic's first word, else the image's name. */
    public static String release(KernelImage image) {
        return image.vermagic().map(v -> v.split(" ", 2)[0]).orElse(image.name());
    }

    /**
     * A kernel from {@code Module.symvers}: the kernel's own exports with their CRCs, GPL-only
     * flags and namespaces; each address from {@code systemMap} when it names the symbol, else
     * from the image's export tables, else synthetic ({@link SyntheticSymbols}). Vermagic and
     * sizeof(struct module) come from the image when there is one, and so do the keys.
     *
     * @param arch the kernel's architecture (the image's, when given)
     * @throws CertificateFormatException when a certificate of the image cannot be read
     */
    public static KernelConfig fromSymvers(ModuleSymvers symvers, Optional<KernelImage> image,
            Map<String, Long> systemMap, Architecture arch) {
        SyntheticSymbols synthetic = SyntheticSymbols.forArchitecture(arch);
        List<KernelSymbol> exports = new ArrayList<>();
        for (SymversEntry e : symvers.kernelExports()) {
            long address = systemMap.containsKey(e.name()) ? systemMap.get(e.name())
                    : image.flatMap(i -> i.export(e.name())).map(KernelExport::address)
                            .orElseGet(() -> synthetic.address(e.name()));
            exports.add(new KernelSymbol(e.name(), address, OptionalLong.of(e.crc() & 0xffffffffL), e.gplOnly(),
                    e.namespace(), KernelSymbol.VMLINUX));
        }
        return new KernelConfig(arch.machine(), image.map(KernelBoot::release).orElse("unknown"),
                image.flatMap(KernelImage::vermagic), image.map(KernelImage::structModuleSize).orElse(OptionalLong.empty()),
                true, exports, MODULE_AREA, image.map(KernelBoot::percpuBase).orElse(KernelConfig.SYNTHETIC_PERCPU_BASE),
                true, image.map(KernelBoot::keyring).orElse(Keyring.empty()));
    }

    private static KernelSymbol symbol(KernelExport e) {
        return new KernelSymbol(e.name(), e.address(), OptionalLong.of(e.crc() & 0xffffffffL), e.gplOnly(),
                e.namespace(), KernelSymbol.VMLINUX);
    }
}
