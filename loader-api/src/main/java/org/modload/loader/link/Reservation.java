package org.modload.loader.link;

import java.util.Objects;

/**
 * Memory a caller asks the layout to set aside at the end of a region, after every section
 * and table of that region, for contents the caller writes itself: Linux's
 * {@code layout_symtab()} appends the module's kept symbols, their names and their types to
 * core, and the whole symbol table, string table and kallsyms bookkeeping to init. The engine
 * places it, counts it in the region's size (so that what depends on that size, such as ia64's
 * gp, sees it) and never writes it.
 *
 * @param name what the caller calls it (unique within one policy)
 * @param region {@link Region#CORE} or {@link Region#INIT}
 * @param size its size in bytes, at least 0
 * @param alignment its alignment, a power of two (0 and 1 mean none)
 */
public record Reservation(String name, Region region, long size, long alignment) {

    public Reservation {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(region, "region");
        if (region == Region.DETACHED) {
            throw new IllegalArgumentException(name + ": a reservation lies in core or init");
        }
        if (size < 0 || alignment < 0 || (alignment & (alignment - 1)) != 0) {
            throw new IllegalArgumentException(name + ": size " + size + ", alignment " + alignment);
        }
    }
}
