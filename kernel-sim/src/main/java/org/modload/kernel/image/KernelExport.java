package org.modload.kernel.image;

import java.util.Objects;

/**
 * One symbol the kernel exports to modules, as its {@code __ksymtab} or {@code __ksymtab_gpl}
 * entry and the matching {@code __kcrctab*} word give it.
 *
 * @param name the symbol name, e.g. {@code _printk}
 * @param address its virtual address in the running kernel (unsigned; 32 bits wide on i386)
 * @param crc its modversions CRC, or 0 if the kernel has no {@code __kcrctab} (no CONFIG_MODVERSIONS)
 * @param gplOnly whether it is exported with {@code EXPORT_SYMBOL_GPL}
 * @param namespace its symbol namespace ({@code EXPORT_SYMBOL_NS}), or the empty string for none
 */
public record KernelExport(String name, long address, int crc, boolean gplOnly, String namespace) {

    public KernelExport {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
    }

    /** Whether the symbol belongs to a namespace that a module must import. */
    public boolean hasNamespace() {
        return !namespace.isEmpty();
    }
}
