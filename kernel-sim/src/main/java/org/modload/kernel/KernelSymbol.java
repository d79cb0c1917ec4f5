package org.modload.kernel;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * One exported symbol as the kernel's symbol table holds it.
 *
 * @param name the symbol
 * @param address its address
 * @param crc its modversions CRC, when the exporter has one
 * @param gplOnly exported with EXPORT_SYMBOL_GPL
 * @param namespace its symbol namespace, empty for none
 * @param owner {@code vmlinux} or the exporting module's name
 */
public record KernelSymbol(String name, long address, OptionalLong crc, boolean gplOnly, String namespace,
        String owner) {
    /** The owner name of the kernel's own exports. */
    public static final String VMLINUX = "vmlinux";

    public KernelSymbol {
        Objects.requireNonNull(name);
        Objects.requireNonNull(crc);
        Objects.requireNonNull(namespace);
        Objects.requireNonNull(owner);
    }

    public boolean hasNamespace() {
        return !namespace.isEmpty();
    }
}
