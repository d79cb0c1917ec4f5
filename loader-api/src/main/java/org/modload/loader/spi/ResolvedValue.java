package org.modload.loader.spi;

import java.util.Optional;

/**
 * The symbol side of one relocation, resolved by the engine before the architecture is called.
 *
 * @param symbolValue S: the symbol's address (for a section symbol, the section's address)
 * @param addend A: r_addend, or for SHT_REL the architecture's {@link Architecture#implicitAddend}
 * @param undefined whether the symbol was undefined in the object (resolved from outside)
 * @param descriptor for a function resolved from outside on descriptor architectures, the
 *     contents of its descriptor when known
 */
public record ResolvedValue(long symbolValue, long addend, boolean undefined, Optional<FunctionDescriptor> descriptor) {

    /** A value with no descriptor. */
    public static ResolvedValue of(long symbolValue, long addend, boolean undefined) {
        return new ResolvedValue(symbolValue, addend, undefined, Optional.empty());
    }
}
