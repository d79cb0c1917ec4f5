package org.modload.arch.ia64;

import java.util.Optional;

/** Linux's {@code enum reloc_value_formula}: what is computed, {@code r_type >> 3}. */
enum ValueFormula {
    /** 4: S + A. */
    DIRECT(4),
    /** 5: S + A - gp. */
    GPREL(5),
    /** 6: the gp-relative offset of a GOT entry holding S + A. */
    LTREL(6),
    /** 7: a PLT entry of the function whose descriptor is at S + A (Linux: its address). */
    PLTREL(7),
    /** 8: the address of a function descriptor for S + A. */
    FPTR(8),
    /** 9: S + A - P (P's bundle for instruction formats). */
    PCREL(9),
    /** 10: the gp-relative offset of a GOT entry holding @fptr(S + A). */
    LTREL_FPTR(10),
    /** 11: S + A - segment base, which Linux chooses to be 0 for modules. */
    SEGREL(11),
    /** 12: S + A - the patched section's address (Linux; binutils takes the symbol's section). */
    SECREL(12),
    /** 13: S + A - the base of the region (core or init) S + A lies in. */
    BDREL(13),
    /** 14: S + A frozen at static link time; Linux BUG()s on it. */
    LTV(14),
    /** 15: S + A - P's bundle (PCREL21BI, PCREL22, PCREL64I). */
    PCREL2(15),
    /** 16: the special types (IPLT, COPY, SUB, LTOFF22X, LDXMOV). */
    SPECIAL(16),
    /** 18..23: thread-local storage, which Linux modules do not support. */
    TPREL(18),
    LTREL_TPREL(19),
    DTPMOD(20),
    LTREL_DTPMOD(21),
    DTPREL(22),
    LTREL_DTPREL(23);

    private final int number;

    ValueFormula(int number) {
        this.number = number;
    }

    /** The formula {@code r_type >> 3} names, if Linux names it. */
    static Optional<ValueFormula> of(int rType) {
        int n = rType >>> 3;
        for (ValueFormula f : values()) {
            if (f.number == n) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    boolean isTls() {
        return number >= 18;
    }
}
