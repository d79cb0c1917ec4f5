package org.modload.loader.diag;

/**
 * The structural checks the ELF reader makes, each with a stable identity so that tests and
 * callers can tell them apart without parsing messages. The first group mirrors Linux
 * {@code elf_validity_check()} and its helpers (kernel/module/main.c); the rest are checks Linux
 * does not make but a reader of untrusted input needs.
 */
public enum ElfCheck {
    /** The file is shorter than e_ident or than the ELF header of its class. */
    HEADER_TRUNCATED,
    /** e_ident does not start with 0x7f 'E' 'L' 'F'. */
    MAGIC,
    /** EI_CLASS is neither ELFCLASS32 nor ELFCLASS64. */
    CLASS,
    /** EI_DATA is neither ELFDATA2LSB nor ELFDATA2MSB. */
    DATA,
    /** EI_VERSION or e_version is not EV_CURRENT. */
    VERSION,
    /** e_type is not ET_REL where a relocatable object is needed (checked at link time). */
    TYPE,
    /** e_machine, class or byte order is not what the architecture expects. */
    MACHINE,
    /** e_ehsize is not the size of the class's ELF header. */
    HEADER_SIZE,
    /** e_shentsize is not the size of the class's section header. */
    SECTION_HEADER_SIZE,
    /** The section header table does not lie inside the file. */
    SECTION_TABLE_BOUNDS,
    /** Section 0 is not SHT_NULL with zero size and address (or extended numbering is broken). */
    SECTION_ZERO,
    /** e_shstrndx does not name a string table inside the section table. */
    SHSTRNDX,
    /** A section's sh_offset + sh_size overflows or exceeds the file. */
    SECTION_BOUNDS,
    /** A string table is empty or not NUL-terminated. */
    STRTAB_TERMINATION,
    /** A section's sh_name lies outside the section name table. */
    SECTION_NAME,
    /** A section's sh_link or sh_info names a section that does not exist or has the wrong type. */
    SECTION_LINK,
    /** A symbol or relocation table's sh_entsize (or size) does not match the class. */
    ENTSIZE,
    /** sh_addralign is not zero or a power of two. */
    ALIGNMENT,
    /** A symbol's st_name lies outside its string table. */
    SYMBOL_NAME,
    /** A symbol's st_shndx names no section. */
    SYMBOL_SECTION,
    /** A relocation's symbol index lies outside its symbol table. */
    RELOCATION_SYMBOL,
    /** A relocation's offset lies outside its target section. */
    RELOCATION_OFFSET,
    /** The object has no symbol table, or more than one. */
    SYMTAB_COUNT,
    /** An SHT_SYMTAB_SHNDX table does not match its symbol table. */
    SYMTAB_SHNDX,
    /** e_phentsize is not the size of the class's program header. */
    PROGRAM_HEADER_SIZE,
    /** The program header table does not lie inside the file. */
    PROGRAM_TABLE_BOUNDS,
    /** A segment's p_offset + p_filesz overflows or exceeds the file, or p_filesz exceeds p_memsz. */
    SEGMENT_BOUNDS,
    /** PT_PHDR, PT_INTERP or PT_DYNAMIC is not what readelf accepts (placement, count, contents). */
    SEGMENT_CONTENTS,
    /** A note's name or descriptor runs past its section or segment, or its area's alignment is neither 4 nor 8. */
    NOTE,
    /** An Elf_Chdr is truncated, its ch_size absurd, or its contents do not inflate to ch_size. */
    COMPRESSION,
    /**
     * A table the dynamic section names is missing, unmapped or malformed (DT_SYMTAB, DT_STRTAB,
     * DT_HASH, DT_GNU_HASH in a file without section headers), or a symbol-version table or
     * version record is (a versym of another size than the dynamic symbols, a chain past its area
     * or shorter than its count).
     */
    DYNAMIC,
    /** The file is too large for this reader (2 GiB, the limit of one buffer). */
    FILE_SIZE,
    /**
     * A count or size the file could hold but no object needs, refused before anything is
     * allocated for it: sections, program headers, symbols of one table, relocations of one
     * section, bytes of one string table (the limits are the reader's constants, {@code ElfParser.MAX_*}).
     */
    LIMIT
}
