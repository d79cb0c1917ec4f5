package org.modload.loader.elf;

import java.util.OptionalLong;

/**
 * One relocation entry, REL and RELA alike. Most machines carry one type per entry; MIPS64's
 * r_info carries up to three (applied in order, the result of one the addend of the next) and a
 * special symbol for the second and third.
 *
 * @param offset r_offset: relative to the target section in a relocatable object, a virtual
 *     address in a linked file
 * @param type the (first) relocation type from r_info
 * @param symbol the symbol-table index from r_info
 * @param addend r_addend for RELA; empty for REL, whose addend lives in the place
 * @param type2 MIPS64's r_type2; 0 elsewhere
 * @param type3 MIPS64's r_type3; 0 elsewhere
 * @param specialSymbol MIPS64's r_ssym; 0 elsewhere
 */
public record Relocation(long offset, int type, int symbol, OptionalLong addend, int type2, int type3,
        int specialSymbol) {

    /** An entry with one type, as every machine but MIPS64 has. */
    public Relocation(long offset, int type, int symbol, OptionalLong addend) {
        this(offset, type, symbol, addend, 0, 0, 0);
    }

    /** Whether the entry composes more than one type (MIPS64 r_type2 or r_type3 set). */
    public boolean isComposed() {
        return type2 != 0 || type3 != 0;
    }
}
