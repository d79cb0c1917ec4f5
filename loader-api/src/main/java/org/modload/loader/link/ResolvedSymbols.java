package org.modload.loader.link;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.modload.loader.spi.FunctionDescriptor;

/**
 * The value of every symbol of every object of one link after layout and resolution (Linux's
 * {@code simplify_symbols()}), plus what the resolver said of each imported one. Immutable.
 */
public final class ResolvedSymbols {
    private final long[][] values;
    private final Map<String, SymbolDefinition> imported;

    ResolvedSymbols(long[][] values, Map<String, SymbolDefinition> imported) {
        this.values = new long[values.length][];
        for (int i = 0; i < values.length; i++) {
            this.values[i] = values[i].clone();
        }
        this.imported = Collections.unmodifiableMap(new LinkedHashMap<>(imported));
    }

    /** S for the symbol at {@code index} of the first (or only) object. */
    public long value(int index) {
        return values[0][index];
    }

    /** S for the symbol at {@code index} of object {@code object}. */
    public long value(int object, int index) {
        return values[object][index];
    }

    /** How many symbols the first (or only) object has. */
    public int count() {
        return values[0].length;
    }

    /** Every symbol that was resolved from outside, by name, in the order the link met them. */
    public Map<String, SymbolDefinition> imported() {
        return imported;
    }

    /** The descriptor the resolver gave for {@code name}, if any. */
    public Optional<FunctionDescriptor> descriptor(String name) {
        SymbolDefinition d = imported.get(name);
        return d == null ? Optional.empty() : d.descriptor();
    }
}
