package org.modload.loader.elf;

import java.util.Map;

/**
 * sh_type: an open set. Processor-specific values (SHT_LOPROC..SHT_HIPROC) mean different
 * things per machine, so {@link #specName(Machine)} takes the machine.
 */
public record SectionType(int value) {
    public static final SectionType SHT_NULL = new SectionType(0);
    public static final SectionType SHT_PROGBITS = new SectionType(1);
    public static final SectionType SHT_SYMTAB = new SectionType(2);
    public static final SectionType SHT_STRTAB = new SectionType(3);
    public static final SectionType SHT_RELA = new SectionType(4);
    public static final SectionType SHT_HASH = new SectionType(5);
    public static final SectionType SHT_DYNAMIC = new SectionType(6);
    public static final SectionType SHT_NOTE = new SectionType(7);
    public static final SectionType SHT_NOBITS = new SectionType(8);
    public static final SectionType SHT_REL = new SectionType(9);
    public static final SectionType SHT_DYNSYM = new SectionType(11);
    public static final SectionType SHT_INIT_ARRAY = new SectionType(14);
    public static final SectionType SHT_FINI_ARRAY = new SectionType(15);
    public static final SectionType SHT_PREINIT_ARRAY = new SectionType(16);
    public static final SectionType SHT_GROUP = new SectionType(17);
    public static final SectionType SHT_SYMTAB_SHNDX = new SectionType(18);
    public static final SectionType SHT_X86_64_UNWIND = new SectionType(0x70000001);
    public static final SectionType SHT_IA_64_EXT = new SectionType(0x70000000);
    public static final SectionType SHT_IA_64_UNWIND = new SectionType(0x70000001);

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0, "SHT_NULL"), Map.entry(1, "SHT_PROGBITS"), Map.entry(2, "SHT_SYMTAB"),
            Map.entry(3, "SHT_STRTAB"), Map.entry(4, "SHT_RELA"), Map.entry(5, "SHT_HASH"),
            Map.entry(6, "SHT_DYNAMIC"), Map.entry(7, "SHT_NOTE"), Map.entry(8, "SHT_NOBITS"),
            Map.entry(9, "SHT_REL"), Map.entry(10, "SHT_SHLIB"), Map.entry(11, "SHT_DYNSYM"),
            Map.entry(14, "SHT_INIT_ARRAY"), Map.entry(15, "SHT_FINI_ARRAY"),
            Map.entry(16, "SHT_PREINIT_ARRAY"), Map.entry(17, "SHT_GROUP"),
            Map.entry(18, "SHT_SYMTAB_SHNDX"),
            Map.entry(0x6ffffff5, "SHT_GNU_ATTRIBUTES"), Map.entry(0x6ffffff6, "SHT_GNU_HASH"),
            Map.entry(0x6ffffff7, "SHT_GNU_LIBLIST"), Map.entry(0x6ffffffd, "SHT_GNU_verdef"),
            Map.entry(0x6ffffffe, "SHT_GNU_verneed"), Map.entry(0x6fffffff, "SHT_GNU_versym"));

    private static final Map<Integer, String> X86_64 = Map.of(0x70000001, "SHT_X86_64_UNWIND");
    private static final Map<Integer, String> IA_64 =
            Map.of(0x70000000, "SHT_IA_64_EXT", 0x70000001, "SHT_IA_64_UNWIND");

    /** The spec name for a file of {@code machine}, or {@code unknown(N)}. */
    public String specName(Machine machine) {
        String generic = NAMES.get(value);
        if (generic != null) {
            return generic;
        }
        if (Machine.EM_X86_64.equals(machine) && X86_64.containsKey(value)) {
            return X86_64.get(value);
        }
        if (Machine.EM_IA_64.equals(machine) && IA_64.containsKey(value)) {
            return IA_64.get(value);
        }
        return SpecNames.name(Map.of(), value);
    }

    @Override
    public String toString() {
        return specName(Machine.EM_NONE);
    }
}
