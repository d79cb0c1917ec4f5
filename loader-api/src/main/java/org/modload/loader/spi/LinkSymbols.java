package org.modload.loader.spi;

/** The names of the symbols the formulas' GOT and GP terms stand for, as {@link Architecture#linkSymbols} defines them. */
public final class LinkSymbols {
    /** The GOT term: {@code _GLOBAL_OFFSET_TABLE_}. */
    public static final String GLOBAL_OFFSET_TABLE = "_GLOBAL_OFFSET_TABLE_";
    /** The GP term: {@code __gp} (ia64). */
    public static final String GP = "__gp";

    private LinkSymbols() {
    }
}
