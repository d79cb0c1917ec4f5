package org.modload.loader.elf;

/**
 * The ELF file header as read, with extended numbering not yet applied: {@link #shnum()} and
 * {@link #shstrndx()} are the raw e_shnum and e_shstrndx (see {@link ElfFile} for the resolved
 * counts).
 */
public record ElfHeader(ElfClass elfClass, ElfData data, int osAbi, int abiVersion, ElfType type,
        Machine machine, long version, long entry, long phoff, long shoff, int flags, int ehsize,
        int phentsize, int phnum, int shentsize, int shnum, int shstrndx) {
}
