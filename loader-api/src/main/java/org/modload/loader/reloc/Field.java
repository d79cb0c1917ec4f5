package org.modload.loader.reloc;

/**
 * What a relocation writes: a plain data word of some width, or an instruction-embedded
 * immediate whose encoding an architecture defines. Widths are in bits.
 */
public enum Field {
    /** Nothing is written (R_*_NONE). */
    NONE(0),
    WORD8(8),
    WORD16(16),
    WORD32(32),
    WORD64(64),
    /** An immediate inside an instruction; the architecture encodes it (ia64 slots and the like). */
    INSTRUCTION(0);

    private final int bits;

    Field(int bits) {
        this.bits = bits;
    }

    /** The field width in bits; 0 for NONE and INSTRUCTION. */
    public int bits() {
        return bits;
    }

    /** The field width in bytes; 0 for NONE and INSTRUCTION. */
    public int bytes() {
        return bits / 8;
    }
}
