package org.modload.kernel.model;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.spi.FunctionDescriptor;

/**
 * One exported symbol as the kernel's symbol table holds it.
 *
 * @param name the symbol
 * @param address its address
 * @param crc its modversions CRC, when the exporter has one
 * @param gplOnly exported with EXPORT_SYMBOL_GPL
 * @param namespace its symbol namespace, empty for none
 * @param owner {@code vmlinux} or the exporting module's name
 * @param descriptor on architectures with function descriptors, the contents of the descriptor
 *     at {@code address} when the symbol is a function
 */
public record KernelSymbol(String name, long address, OptionalLong crc, boolean gplOnly, String namespace,
        String owner, Optional<FunctionDescriptor> descriptor) {
    /** The owner name of the kernel's own exports. */
    public static final String VMLINUX = "vmlinux";

    public KernelSymbol {
        Objects.requireNonNull(name);
        Objects.requireNonNull(crc);
        Objects.requireNonNull(namespace);
        Objects.requireNonNull(owner);
        Objects.requireNonNull(descriptor);
    }

    /** A symbol that is not a function descriptor. */
    public KernelSymbol(String name, long address, OptionalLong crc, boolean gplOnly, String namespace, String owner) {
        this(name, address, crc, gplOnly, namespace, owner, Optional.empty());
    }

    public boolean hasNamespace() {
        return !namespace.isEmpty();
    }
}
