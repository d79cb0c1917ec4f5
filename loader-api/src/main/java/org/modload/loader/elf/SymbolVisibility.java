package org.modload.loader.elf;

/** ELF_ST_VISIBILITY of st_other: a closed set of four. */
public enum SymbolVisibility {
    STV_DEFAULT, STV_INTERNAL, STV_HIDDEN, STV_PROTECTED;

    static SymbolVisibility ofOther(int stOther) {
        return values()[stOther & 3];
    }
}
