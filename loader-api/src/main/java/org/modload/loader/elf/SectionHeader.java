package org.modload.loader.elf;

/** One ElfN_Shdr, as read. */
public record SectionHeader(long nameOffset, SectionType type, long flags, long addr, long offset,
        long size, int link, int info, long addralign, long entsize) {

    /** Whether {@code flag} (an {@link SectionFlags} bit) is set. */
    public boolean has(long flag) {
        return (flags & flag) != 0;
    }

    /** Whether the section occupies bytes in the file (not SHT_NULL or SHT_NOBITS). */
    public boolean hasFileBytes() {
        return !type.equals(SectionType.SHT_NOBITS) && !type.equals(SectionType.SHT_NULL);
    }
}
