package org.modload.loader.spi;

import java.util.Map;
import java.util.OptionalLong;

/**
 * Where the engine put the regions and tables of one link, as an architecture sees it when it
 * defines its link symbols ({@link Architecture#linkSymbols}). Immutable.
 *
 * @param tables the address of every table, by {@link EntryKind#table()}
 * @param coreBase first address of the core region
 * @param coreSize size of the core region
 * @param initBase first address of the init region
 * @param initSize size of the init region
 */
public record Layout(Map<String, Long> tables, long coreBase, long coreSize, long initBase, long initSize) {

    public Layout {
        tables = Map.copyOf(tables);
    }

    /** The address of the table called {@code name}, if it was placed. */
    public OptionalLong table(String name) {
        Long a = tables.get(name);
        return a == null ? OptionalLong.empty() : OptionalLong.of(a);
    }

    /** Whether {@code address} lies in the init region. */
    public boolean inInit(long address) {
        return Long.compareUnsigned(address - initBase, initSize) < 0;
    }
}
