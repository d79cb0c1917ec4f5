package org.modload.loader.elf;

import java.util.List;

/**
 * A SHT_REL or SHT_RELA section with its decoded entries.
 *
 * @param section the relocation section itself
 * @param target the section its entries patch (sh_info)
 * @param symbolTable the symbol table its entries index (sh_link)
 * @param entries the entries in file order
 */
public record RelocationSection(Section section, Section target, Section symbolTable, List<Relocation> entries) {

    public RelocationSection {
        entries = List.copyOf(entries);
    }

    /** True for SHT_RELA (explicit addends). */
    public boolean isRela() {
        return section.type().equals(SectionType.SHT_RELA);
    }
}
