package org.modload.loader.elf;

/**
 * One symbol-table entry.
 *
 * @param index its index in the symbol table
 * @param rawShndx st_shndx as stored (may be SHN_XINDEX or another reserved value)
 * @param shndx the section index after extended indices are resolved (equal to rawShndx unless
 *     rawShndx is SHN_XINDEX)
 */
public record Symbol(int index, String name, long value, long size, SymbolType type,
        SymbolBinding bind, SymbolVisibility visibility, int other, int rawShndx, int shndx) {

    public boolean isUndefined() {
        return rawShndx == SectionIndex.SHN_UNDEF;
    }

    public boolean isAbsolute() {
        return rawShndx == SectionIndex.SHN_ABS;
    }

    public boolean isCommon() {
        return rawShndx == SectionIndex.SHN_COMMON;
    }

    /** Whether the symbol is defined relative to a real section (not undefined, absolute or common). */
    public boolean isInSection() {
        return rawShndx != SectionIndex.SHN_UNDEF
                && (rawShndx < SectionIndex.SHN_LORESERVE || rawShndx == SectionIndex.SHN_XINDEX);
    }
}
