package org.modload.loader.reloc;

import java.util.OptionalLong;

/**
 * The values of the {@link Term}s for one relocation, supplied by the engine. Immutable.
 *
 * @param s S
 * @param a A
 * @param p P (as the architecture defines the place)
 * @param z Z
 * @param b B
 * @param got GOT, when the architecture defines one
 * @param gp GP, when the architecture defines one
 * @param entry the address of the site's table entry, when the site needs one
 * @param sec SEC
 * @param bd BD
 */
public record Operands(long s, long a, long p, long z, long b, OptionalLong got, OptionalLong gp, OptionalLong entry,
        long sec, long bd) {

    /** The value of {@code term}. */
    public long value(Term term) {
        return switch (term) {
            case S -> s;
            case A -> a;
            case P -> p;
            case Z -> z;
            case B -> b;
            case GOT -> require(got, "GOT (the architecture defines no _GLOBAL_OFFSET_TABLE_)");
            case GP -> require(gp, "GP (the architecture defines no __gp)");
            case G -> require(entry, "G (the site has no table entry)") - require(got, "GOT");
            case L -> entry.isPresent() ? entry.getAsLong() : s;
            case E -> entry.isPresent() ? entry.getAsLong() : s + a;
            case SEC -> sec;
            case BD -> bd;
        };
    }

    private static long require(OptionalLong v, String what) {
        if (v.isEmpty()) {
            // A plugin's row and rule disagree: a formula needs what the rule did not ask for.
            throw new IllegalStateException("formula needs " + what);
        }
        return v.getAsLong();
    }
}
