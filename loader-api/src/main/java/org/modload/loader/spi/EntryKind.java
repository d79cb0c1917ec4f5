package org.modload.loader.spi;

import java.util.Objects;

/**
 * One kind of table entry an architecture builds (a GOT word, a PLT entry or branch stub, a
 * function descriptor): the table it lives in, its size and alignment, whether the table holds
 * code and which region it belongs to, how entries are shared, and how one entry is written.
 * The engine places one table per kind (named {@link #table()}) after the text (executable
 * kinds) or after small data (the others) of its region, in the order of
 * {@link Architecture#entryKinds}. A section of an object named like the table is its
 * placeholder (ia64's {@code module.lds}): the table takes its place.
 *
 * @param table the table's name as layouts show it, e.g. {@code .got}
 * @param size the size of one entry in bytes
 * @param alignment the table's alignment in bytes (a power of two)
 * @param executable whether the table holds code
 * @param init whether the table belongs to the init region (freed after init) rather than core
 * @param sharing how two needs come to share one entry
 * @param writer writes one entry
 */
public record EntryKind(String table, int size, int alignment, boolean executable, boolean init, Sharing sharing,
        EntryWriter writer) {

    /** How entries are shared. */
    public enum Sharing {
        /** One entry per target (symbol and addend, or inner entry). */
        BY_TARGET,
        /**
         * One entry per value held, as Linux's ia64 {@code get_ltoff}/{@code get_fdesc}/{@code
         * get_plt} search their tables; the table is still sized by targets, an upper bound.
         */
        BY_VALUE
    }

    public EntryKind {
        Objects.requireNonNull(table);
        Objects.requireNonNull(sharing);
        Objects.requireNonNull(writer);
        if (size <= 0 || alignment <= 0 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException(table + ": entry size " + size + ", alignment " + alignment);
        }
    }

    /** Identity, not value: two kinds with equal fields are still two tables. */
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return table;
    }
}
