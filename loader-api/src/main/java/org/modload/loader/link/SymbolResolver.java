package org.modload.loader.link;

import java.util.Optional;

/**
 * Supplies the values of an object's undefined symbols: a kernel's symbol table, a map file,
 * a test's map. Implementations must be safe to call from the loading thread; they are asked
 * once per undefined symbol name.
 */
@FunctionalInterface
public interface SymbolResolver {

    /** The definition of {@code name}, or empty when unknown. */
    Optional<SymbolDefinition> resolve(String name);
}
