package org.modload.loader.elf;

/** sh_flags bits (constants only). */
public final class SectionFlags {
    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;
    public static final long SHF_MERGE = 0x10;
    public static final long SHF_STRINGS = 0x20;
    public static final long SHF_INFO_LINK = 0x40;
    public static final long SHF_LINK_ORDER = 0x80;
    public static final long SHF_GROUP = 0x200;
    public static final long SHF_TLS = 0x400;
    /** The contents start with an Elf_Chdr and are compressed (see {@link CompressionHeader}). */
    public static final long SHF_COMPRESSED = 0x800;
    public static final long SHF_GNU_RETAIN = 0x200000;
    public static final long SHF_EXCLUDE = 0x80000000L;
    /** ia64: the section must be within gp's 22-bit reach (small data). */
    public static final long SHF_IA_64_SHORT = 0x10000000L;

    private SectionFlags() {
    }
}
