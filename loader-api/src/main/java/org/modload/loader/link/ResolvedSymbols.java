package org.modload.loader.link;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.modload.loader.spi.FunctionDescriptor;

/**
 * The value of every symbol of one object after layout and resolution (Linux's
 * {@code simplify_symbols()}), plus what the resolver said of each undefined one. Immutable.
 */
public final class ResolvedSymbols {
    private final long[] values;
    private final Map<String, SymbolDefinition> imported;

    ResolvedSymbols(long[] values, Map<String, SymbolDefinition> imported) {
        this.values = values.clone();
        this.imported = Collections.unmodifiableMap(new LinkedHashMap<>(imported));
    }

    /** S for the symbol at {@code index}. */
    public long value(int index) {
        return values[index];
    }

    /** How many symbols there are. */
    public int count() {
        return values.length;
    }

    /** Every undefined symbol that was resolved from outside, by name, in symbol-table order. */
    public Map<String, SymbolDefinition> imported() {
        return imported;
    }

    /** The descriptor the resolver gave for {@code name}, if any. */
    public Optional<FunctionDescriptor> descriptor(String name) {
        SymbolDefinition d = imported.get(name);
        return d == null ? Optional.empty() : d.descriptor();
    }

    @Override
    public String toString() {
        return "ResolvedSymbols" + Arrays.toString(values);
    }
}
