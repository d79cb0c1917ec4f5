package org.modload.loader.spi;

import java.util.OptionalLong;

/**
 * The addresses a table rule ({@link Architecture#need}) may look at for one relocation: empty
 * before layout, the trial layout's while the engine refines the tables, the final layout's
 * while relocating. The engine gives the rule the same knowledge when it relocates as when it
 * fixed the plan, so the rule's answers agree by construction. Immutable.
 *
 * @param place P (the address of the place itself, not the architecture's adjusted P)
 * @param symbol S: for internal symbols once laid out, for imported ones when the caller resolved
 *     them before layout, for absolute ones always
 * @param got {@code _GLOBAL_OFFSET_TABLE_}, once laid out, when the architecture defines it
 * @param gp {@code __gp}, once laid out, when the architecture defines it
 * @param coreBase the core region's start, once laid out
 * @param initBase the init region's start, once laid out
 */
public record Reach(OptionalLong place, OptionalLong symbol, OptionalLong got, OptionalLong gp, OptionalLong coreBase,
        OptionalLong initBase) {

    /** Nothing known: counting before layout. */
    public static final Reach UNKNOWN = new Reach(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
            OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty());

    /** Whether the object has been laid out (place and internal addresses known). */
    public boolean laidOut() {
        return place.isPresent();
    }

    /** S + {@code addend}, when S is known. */
    public OptionalLong target(long addend) {
        return symbol.isPresent() ? OptionalLong.of(symbol.getAsLong() + addend) : OptionalLong.empty();
    }

    /**
     * Whether {@code to - from} is known and fits a signed field of {@code bits} (after division
     * by {@code unit}, for fields that count bundles or instructions).
     */
    public static boolean fits(OptionalLong from, OptionalLong to, int bits, int unit) {
        if (from.isEmpty() || to.isEmpty()) {
            return false;
        }
        long q = (to.getAsLong() - from.getAsLong()) / unit;
        return org.modload.loader.reloc.Bits.fitsSigned(q, bits);
    }
}
