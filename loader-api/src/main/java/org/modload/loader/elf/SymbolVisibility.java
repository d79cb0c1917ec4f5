package org.modload.loader.elf;

/** ELF_ST_VISIBILITY of st_other: a closed set of four. */
public enum SymbolVisibility {
    STV_DEFAULT, STV_INTERNAL, STV_HIDDEN, STV_PROTECTED;

    static SymbolVisibility ofOther(int stOther) {
        // Not values()[...]: that copies the array, once per symbol decoded.
        return switch (stOther & 3) {
            case 0 -> STV_DEFAULT;
            case 1 -> STV_INTERNAL;
            case 2 -> STV_HIDDEN;
            default -> STV_PROTECTED;
        };
    }
}
