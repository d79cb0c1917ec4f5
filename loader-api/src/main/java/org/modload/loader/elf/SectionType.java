package org.modload.loader.elf;

import java.util.Map;

/**
 * sh_type: an open set. Processor-specific values (SHT_LOPROC..SHT_HIPROC) mean different
 * things per machine, so {@link #specName(Machine)} takes the machine. The tables are data: the
 * gABI and GNU/LLVM/Android values in one, the psABI names per machine in another, spelled as
 * glibc's {@code <elf.h>} and binutils' {@code include/elf/*.h} spell them.
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
    public static final SectionType SHT_RELR = new SectionType(19);
    public static final SectionType SHT_GNU_HASH = new SectionType(0x6ffffff6);
    public static final SectionType SHT_GNU_verdef = new SectionType(0x6ffffffd);
    public static final SectionType SHT_GNU_verneed = new SectionType(0x6ffffffe);
    public static final SectionType SHT_GNU_versym = new SectionType(0x6fffffff);
    public static final SectionType SHT_X86_64_UNWIND = new SectionType(0x70000001);
    public static final SectionType SHT_IA_64_EXT = new SectionType(0x70000000);
    public static final SectionType SHT_IA_64_UNWIND = new SectionType(0x70000001);

    private static final int SHT_LOPROC = 0x70000000;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0, "SHT_NULL"), Map.entry(1, "SHT_PROGBITS"), Map.entry(2, "SHT_SYMTAB"),
            Map.entry(3, "SHT_STRTAB"), Map.entry(4, "SHT_RELA"), Map.entry(5, "SHT_HASH"),
            Map.entry(6, "SHT_DYNAMIC"), Map.entry(7, "SHT_NOTE"), Map.entry(8, "SHT_NOBITS"),
            Map.entry(9, "SHT_REL"), Map.entry(10, "SHT_SHLIB"), Map.entry(11, "SHT_DYNSYM"),
            Map.entry(14, "SHT_INIT_ARRAY"), Map.entry(15, "SHT_FINI_ARRAY"),
            Map.entry(16, "SHT_PREINIT_ARRAY"), Map.entry(17, "SHT_GROUP"),
            Map.entry(18, "SHT_SYMTAB_SHNDX"), Map.entry(19, "SHT_RELR"),
            Map.entry(0x60000001, "SHT_ANDROID_REL"), Map.entry(0x60000002, "SHT_ANDROID_RELA"),
            Map.entry(0x6fff4700, "SHT_GNU_INCREMENTAL_INPUTS"),
            Map.entry(0x6fff4c00, "SHT_LLVM_ODRTAB"), Map.entry(0x6fff4c01, "SHT_LLVM_LINKER_OPTIONS"),
            Map.entry(0x6fff4c03, "SHT_LLVM_ADDRSIG"),
            Map.entry(0x6fff4c04, "SHT_LLVM_DEPENDENT_LIBRARIES"), Map.entry(0x6fff4c05, "SHT_LLVM_SYMPART"),
            Map.entry(0x6fff4c06, "SHT_LLVM_PART_EHDR"), Map.entry(0x6fff4c07, "SHT_LLVM_PART_PHDR"),
            Map.entry(0x6fff4c08, "SHT_LLVM_BB_ADDR_MAP_V0"), Map.entry(0x6fff4c09, "SHT_LLVM_CALL_GRAPH_PROFILE"),
            Map.entry(0x6fff4c0a, "SHT_LLVM_BB_ADDR_MAP"), Map.entry(0x6fff4c0b, "SHT_LLVM_OFFLOADING"),
            Map.entry(0x6fff4c0c, "SHT_LLVM_LTO"),
            Map.entry(0x6fffff00, "SHT_ANDROID_RELR"),
            Map.entry(0x6ffffff4, "SHT_GNU_SFRAME"),
            Map.entry(0x6ffffff5, "SHT_GNU_ATTRIBUTES"), Map.entry(0x6ffffff6, "SHT_GNU_HASH"),
            Map.entry(0x6ffffff7, "SHT_GNU_LIBLIST"), Map.entry(0x6ffffff8, "SHT_CHECKSUM"),
            Map.entry(0x6ffffffa, "SHT_SUNW_move"), Map.entry(0x6ffffffb, "SHT_SUNW_COMDAT"),
            Map.entry(0x6ffffffc, "SHT_SUNW_syminfo"), Map.entry(0x6ffffffd, "SHT_GNU_verdef"),
            Map.entry(0x6ffffffe, "SHT_GNU_verneed"), Map.entry(0x6fffffff, "SHT_GNU_versym"));

    private static final Map<Integer, String> ARM = Map.of(0x70000001, "SHT_ARM_EXIDX",
            0x70000002, "SHT_ARM_PREEMPTMAP", 0x70000003, "SHT_ARM_ATTRIBUTES",
            0x70000004, "SHT_ARM_DEBUGOVERLAY", 0x70000005, "SHT_ARM_OVERLAYSECTION");
    private static final Map<Integer, String> AARCH64 = Map.of(0x70000003, "SHT_AARCH64_ATTRIBUTES",
            0x70000004, "SHT_AARCH64_AUTH_RELR", 0x70000007, "SHT_AARCH64_MEMTAG_GLOBALS_STATIC",
            0x70000008, "SHT_AARCH64_MEMTAG_GLOBALS_DYNAMIC");
    private static final Map<Integer, String> MIPS = Map.ofEntries(
            Map.entry(0x70000000, "SHT_MIPS_LIBLIST"), Map.entry(0x70000001, "SHT_MIPS_MSYM"),
            Map.entry(0x70000002, "SHT_MIPS_CONFLICT"), Map.entry(0x70000003, "SHT_MIPS_GPTAB"),
            Map.entry(0x70000004, "SHT_MIPS_UCODE"), Map.entry(0x70000005, "SHT_MIPS_DEBUG"),
            Map.entry(0x70000006, "SHT_MIPS_REGINFO"), Map.entry(0x70000007, "SHT_MIPS_PACKAGE"),
            Map.entry(0x70000008, "SHT_MIPS_PACKSYM"), Map.entry(0x70000009, "SHT_MIPS_RELD"),
            Map.entry(0x7000000b, "SHT_MIPS_IFACE"), Map.entry(0x7000000c, "SHT_MIPS_CONTENT"),
            Map.entry(0x7000000d, "SHT_MIPS_OPTIONS"), Map.entry(0x70000010, "SHT_MIPS_SHDR"),
            Map.entry(0x70000011, "SHT_MIPS_FDESC"), Map.entry(0x70000012, "SHT_MIPS_EXTSYM"),
            Map.entry(0x70000013, "SHT_MIPS_DENSE"), Map.entry(0x70000014, "SHT_MIPS_PDESC"),
            Map.entry(0x70000015, "SHT_MIPS_LOCSYM"), Map.entry(0x70000016, "SHT_MIPS_AUXSYM"),
            Map.entry(0x70000017, "SHT_MIPS_OPTSYM"), Map.entry(0x70000018, "SHT_MIPS_LOCSTR"),
            Map.entry(0x70000019, "SHT_MIPS_LINE"), Map.entry(0x7000001a, "SHT_MIPS_RFDESC"),
            Map.entry(0x7000001b, "SHT_MIPS_DELTASYM"), Map.entry(0x7000001c, "SHT_MIPS_DELTAINST"),
            Map.entry(0x7000001d, "SHT_MIPS_DELTACLASS"), Map.entry(0x7000001e, "SHT_MIPS_DWARF"),
            Map.entry(0x7000001f, "SHT_MIPS_DELTADECL"), Map.entry(0x70000020, "SHT_MIPS_SYMBOL_LIB"),
            Map.entry(0x70000021, "SHT_MIPS_EVENTS"), Map.entry(0x70000022, "SHT_MIPS_TRANSLATE"),
            Map.entry(0x70000023, "SHT_MIPS_PIXIE"), Map.entry(0x70000024, "SHT_MIPS_XLATE"),
            Map.entry(0x70000025, "SHT_MIPS_XLATE_DEBUG"), Map.entry(0x70000026, "SHT_MIPS_WHIRL"),
            Map.entry(0x70000027, "SHT_MIPS_EH_REGION"), Map.entry(0x70000028, "SHT_MIPS_XLATE_OLD"),
            Map.entry(0x70000029, "SHT_MIPS_PDR_EXCEPTION"), Map.entry(0x7000002a, "SHT_MIPS_ABIFLAGS"),
            Map.entry(0x7000002b, "SHT_MIPS_XHASH"));
    private static final Map<Integer, String> X86_64 = Map.of(0x70000001, "SHT_X86_64_UNWIND");
    private static final Map<Integer, String> RISCV = Map.of(0x70000003, "SHT_RISCV_ATTRIBUTES");
    private static final Map<Integer, String> IA_64 = Map.of(0x70000000, "SHT_IA_64_EXT",
            0x70000001, "SHT_IA_64_UNWIND");
    private static final Map<Integer, String> PARISC = Map.of(0x70000000, "SHT_PARISC_EXT",
            0x70000001, "SHT_PARISC_UNWIND", 0x70000002, "SHT_PARISC_DOC");
    private static final Map<Integer, String> ALPHA = Map.of(0x70000001, "SHT_ALPHA_DEBUG",
            0x70000002, "SHT_ALPHA_REGINFO");
    private static final Map<Integer, String> CSKY = Map.of(0x70000001, "SHT_CSKY_ATTRIBUTES");
    private static final Map<Integer, String> MSP430 = Map.of(0x70000003, "SHT_MSP430_ATTRIBUTES");

    /** The processor-specific names, per machine (the psABI's table). */
    private static final Map<Machine, Map<Integer, String>> PROCESSOR = Map.ofEntries(
            Map.entry(Machine.EM_ARM, ARM), Map.entry(Machine.EM_AARCH64, AARCH64), Map.entry(Machine.EM_MIPS, MIPS),
            Map.entry(new Machine(10), MIPS), Map.entry(Machine.EM_X86_64, X86_64), Map.entry(Machine.EM_RISCV, RISCV),
            Map.entry(Machine.EM_IA_64, IA_64), Map.entry(Machine.EM_PARISC, PARISC), Map.entry(Machine.EM_ALPHA, ALPHA),
            Map.entry(Machine.EM_CSKY, CSKY), Map.entry(Machine.EM_MSP430, MSP430));

    /** The spec name for a file of {@code machine}, or {@code unknown(N)}. */
    public String specName(Machine machine) {
        if (value >= SHT_LOPROC) { // 0x70000000..0x7fffffff; SHT_LOUSER and above are negative
            String proc = PROCESSOR.getOrDefault(machine, Map.of()).get(value);
            if (proc != null) {
                return proc;
            }
        }
        return SpecNames.name(NAMES, value);
    }

    @Override
    public String toString() {
        return specName(Machine.EM_NONE);
    }
}
