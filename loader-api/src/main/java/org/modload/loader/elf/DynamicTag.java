package org.modload.loader.elf;

import java.util.Map;

/** d_tag: an open set; names as glibc's {@code <elf.h>} spells them (GNU and common OS values included). */
public record DynamicTag(long value) {
    public static final DynamicTag DT_NULL = new DynamicTag(0);
    public static final DynamicTag DT_NEEDED = new DynamicTag(1);
    public static final DynamicTag DT_STRTAB = new DynamicTag(5);
    public static final DynamicTag DT_SYMTAB = new DynamicTag(6);
    public static final DynamicTag DT_STRSZ = new DynamicTag(10);
    public static final DynamicTag DT_SONAME = new DynamicTag(14);
    public static final DynamicTag DT_HASH = new DynamicTag(4);
    public static final DynamicTag DT_SYMENT = new DynamicTag(11);
    public static final DynamicTag DT_GNU_HASH = new DynamicTag(0x6ffffef5L);
    public static final DynamicTag DT_VERSYM = new DynamicTag(0x6ffffff0L);
    public static final DynamicTag DT_VERDEF = new DynamicTag(0x6ffffffcL);
    public static final DynamicTag DT_VERDEFNUM = new DynamicTag(0x6ffffffdL);
    public static final DynamicTag DT_VERNEED = new DynamicTag(0x6ffffffeL);
    public static final DynamicTag DT_VERNEEDNUM = new DynamicTag(0x6fffffffL);

    private static final Map<Long, String> NAMES = Map.ofEntries(
            Map.entry(0L, "DT_NULL"), Map.entry(1L, "DT_NEEDED"), Map.entry(2L, "DT_PLTRELSZ"),
            Map.entry(3L, "DT_PLTGOT"), Map.entry(4L, "DT_HASH"), Map.entry(5L, "DT_STRTAB"),
            Map.entry(6L, "DT_SYMTAB"), Map.entry(7L, "DT_RELA"), Map.entry(8L, "DT_RELASZ"),
            Map.entry(9L, "DT_RELAENT"), Map.entry(10L, "DT_STRSZ"), Map.entry(11L, "DT_SYMENT"),
            Map.entry(12L, "DT_INIT"), Map.entry(13L, "DT_FINI"), Map.entry(14L, "DT_SONAME"),
            Map.entry(15L, "DT_RPATH"), Map.entry(16L, "DT_SYMBOLIC"), Map.entry(17L, "DT_REL"),
            Map.entry(18L, "DT_RELSZ"), Map.entry(19L, "DT_RELENT"), Map.entry(20L, "DT_PLTREL"),
            Map.entry(21L, "DT_DEBUG"), Map.entry(22L, "DT_TEXTREL"), Map.entry(23L, "DT_JMPREL"),
            Map.entry(24L, "DT_BIND_NOW"), Map.entry(25L, "DT_INIT_ARRAY"), Map.entry(26L, "DT_FINI_ARRAY"),
            Map.entry(27L, "DT_INIT_ARRAYSZ"), Map.entry(28L, "DT_FINI_ARRAYSZ"), Map.entry(29L, "DT_RUNPATH"),
            Map.entry(30L, "DT_FLAGS"), Map.entry(32L, "DT_PREINIT_ARRAY"), Map.entry(33L, "DT_PREINIT_ARRAYSZ"),
            Map.entry(34L, "DT_SYMTAB_SHNDX"), Map.entry(35L, "DT_RELRSZ"), Map.entry(36L, "DT_RELR"),
            Map.entry(37L, "DT_RELRENT"),
            Map.entry(0x6ffffd00L, "DT_VALRNGLO"), Map.entry(0x6ffffdf5L, "DT_GNU_PRELINKED"),
            Map.entry(0x6ffffdf6L, "DT_GNU_CONFLICTSZ"), Map.entry(0x6ffffdf7L, "DT_GNU_LIBLISTSZ"),
            Map.entry(0x6ffffdf8L, "DT_CHECKSUM"), Map.entry(0x6ffffdf9L, "DT_PLTPADSZ"),
            Map.entry(0x6ffffdfaL, "DT_MOVEENT"), Map.entry(0x6ffffdfbL, "DT_MOVESZ"),
            Map.entry(0x6ffffdfcL, "DT_FEATURE_1"), Map.entry(0x6ffffdfdL, "DT_POSFLAG_1"),
            Map.entry(0x6ffffdfeL, "DT_SYMINSZ"), Map.entry(0x6ffffdffL, "DT_SYMINENT"),
            Map.entry(0x6ffffe00L, "DT_ADDRRNGLO"), Map.entry(0x6ffffef5L, "DT_GNU_HASH"),
            Map.entry(0x6ffffef6L, "DT_TLSDESC_PLT"), Map.entry(0x6ffffef7L, "DT_TLSDESC_GOT"),
            Map.entry(0x6ffffef8L, "DT_GNU_CONFLICT"), Map.entry(0x6ffffef9L, "DT_GNU_LIBLIST"),
            Map.entry(0x6ffffefaL, "DT_CONFIG"), Map.entry(0x6ffffefbL, "DT_DEPAUDIT"),
            Map.entry(0x6ffffefcL, "DT_AUDIT"), Map.entry(0x6ffffefdL, "DT_PLTPAD"),
            Map.entry(0x6ffffefeL, "DT_MOVETAB"), Map.entry(0x6ffffeffL, "DT_SYMINFO"),
            Map.entry(0x6ffffff0L, "DT_VERSYM"), Map.entry(0x6ffffff9L, "DT_RELACOUNT"),
            Map.entry(0x6ffffffaL, "DT_RELCOUNT"), Map.entry(0x6ffffffbL, "DT_FLAGS_1"),
            Map.entry(0x6ffffffcL, "DT_VERDEF"), Map.entry(0x6ffffffdL, "DT_VERDEFNUM"),
            Map.entry(0x6ffffffeL, "DT_VERNEED"), Map.entry(0x6fffffffL, "DT_VERNEEDNUM"),
            Map.entry(0x7ffffffdL, "DT_AUXILIARY"), Map.entry(0x7fffffffL, "DT_FILTER"));

    /** The spec name, or {@code unknown(N)}. */
    public String specName() {
        String n = NAMES.get(value);
        return n != null ? n : "unknown(" + Long.toUnsignedString(value) + ")";
    }

    @Override
    public String toString() {
        return specName();
    }
}
