package org.modload.kernel.symvers;

import java.util.Objects;

/**
 * One line of {@code Module.symvers}: {@code 0xCRC<TAB>name<TAB>module<TAB>EXPORT_SYMBOL[_GPL]<TAB>namespace}.
 *
 * @param crc the symbol's modversions CRC (32 bits, as {@code __kcrctab} stores it)
 * @param name the exported symbol, e.g. {@code _printk}
 * @param module who exports it: {@value ModuleSymvers#VMLINUX} for the kernel itself, otherwise
 *     the module's build path without {@code .ko}, e.g. {@code drivers/bus/mhi/host/mhi}
 * @param gplOnly whether it is exported with {@code EXPORT_SYMBOL_GPL} (or the historical
 *     {@code EXPORT_UNUSED_SYMBOL_GPL})
 * @param namespace its symbol namespace ({@code EXPORT_SYMBOL_NS}), or the empty string for none
 */
public record SymversEntry(int crc, String name, String module, boolean gplOnly, String namespace) {

    public SymversEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(namespace, "namespace");
    }

    /** Whether the kernel image itself exports the symbol (module {@value ModuleSymvers#VMLINUX}). */
    public boolean isKernelExport() {
        return module.equals(ModuleSymvers.VMLINUX);
    }

    /** Whether the symbol belongs to a namespace that a module must import. */
    public boolean hasNamespace() {
        return !namespace.isEmpty();
    }
}
