package org.modload.loader.link;

import java.util.Optional;

import org.modload.loader.spi.FunctionDescriptor;

/**
 * What a resolver knows of one symbol: its address and, on descriptor architectures (ia64),
 * the descriptor's contents when the address is that of a function descriptor.
 */
public record SymbolDefinition(long address, Optional<FunctionDescriptor> descriptor) {

    public static SymbolDefinition at(long address) {
        return new SymbolDefinition(address, Optional.empty());
    }
}
