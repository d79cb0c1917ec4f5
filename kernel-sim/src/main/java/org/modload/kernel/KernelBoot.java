package org.modload.kernel;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.kernel.image.KernelExport;
import org.modload.kernel.image.KernelImage;

/** Kernel configurations for real kernels. */
public final class KernelBoot {
    private KernelBoot() {
    }

    /**
     * A kernel from its image alone: the exports (addresses, CRCs, GPL-only, namespaces) of its
     * {@code __ksymtab}/{@code __kcrctab}, its vermagic and sizeof(struct module).
     */
    public static KernelConfig fromImage(KernelImage image, String release) {
        List<KernelSymbol> exports = image.exports().stream().map(KernelBoot::symbol).toList();
        return new KernelConfig(image.machine(), release, image.vermagic(), image.structModuleSize(),
                image.modversions(), exports, 1L << 30);
    }

    private static KernelSymbol symbol(KernelExport e) {
        return new KernelSymbol(e.name(), e.address(), OptionalLong.of(e.crc() & 0xffffffffL), e.gplOnly(),
                e.namespace(), KernelSymbol.VMLINUX);
    }

    static Optional<String> release(Optional<String> vermagic) {
        return vermagic.map(v -> v.split(" ", 2)[0]);
    }
}
