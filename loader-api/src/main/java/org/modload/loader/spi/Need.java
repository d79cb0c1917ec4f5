package org.modload.loader.spi;

import java.util.OptionalLong;

import org.modload.loader.reloc.RelocationType;

/**
 * What one relocation needs, as the architecture's one table rule ({@link Architecture#need})
 * decides it: nothing beyond its row, a table entry, or to be applied as another row (a
 * relaxation, as GNU ld turns a GOT load into a direct address). The engine asks the same rule
 * to count before layout, to refine after a trial layout and to apply.
 */
public sealed interface Need permits Need.None, EntryNeed, Need.Relaxed {

    /** The row as it is, with no table entry. */
    Need NONE = new None();

    /** No entry; the row's formula is evaluated with L = S and E = S + A. */
    record None() implements Need {
    }

    /**
     * Applied as {@code as} instead of the site's own row, as GNU ld rewrites {@code r_type},
     * {@code r_addend} and {@code r_offset} when it relaxes: the formula is evaluated with
     * {@code addend} (when present) for A and with P moved by {@code placeDelta} bytes. The
     * architecture's {@link Architecture#write} rewrites the instruction to match (it sees this
     * need) and writes the field at the moved place.
     *
     * @param as the row applied
     * @param addend the addend the relaxed form uses, when it differs from the site's
     * @param placeDelta how far the relaxed field lies from the original place, in bytes
     */
    record Relaxed(RelocationType as, OptionalLong addend, int placeDelta) implements Need {
        public Relaxed {
            java.util.Objects.requireNonNull(as);
            java.util.Objects.requireNonNull(addend);
        }

        /** Applied as {@code as}, with the site's addend at the site's place. */
        public static Relaxed as(RelocationType as) {
            return new Relaxed(as, OptionalLong.empty(), 0);
        }
    }
}
