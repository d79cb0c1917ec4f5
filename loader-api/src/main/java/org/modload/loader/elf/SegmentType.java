package org.modload.loader.elf;

import java.util.Map;

/**
 * p_type: an open set. Processor-specific values (PT_LOPROC..PT_HIPROC) are named per machine,
 * as for {@link SectionType}. Names as glibc's {@code <elf.h>} and binutils spell them.
 */
public record SegmentType(int value) {
    public static final SegmentType PT_NULL = new SegmentType(0);
    public static final SegmentType PT_LOAD = new SegmentType(1);
    public static final SegmentType PT_DYNAMIC = new SegmentType(2);
    public static final SegmentType PT_INTERP = new SegmentType(3);
    public static final SegmentType PT_NOTE = new SegmentType(4);
    public static final SegmentType PT_SHLIB = new SegmentType(5);
    public static final SegmentType PT_PHDR = new SegmentType(6);
    public static final SegmentType PT_TLS = new SegmentType(7);
    public static final SegmentType PT_GNU_EH_FRAME = new SegmentType(0x6474e550);
    public static final SegmentType PT_GNU_STACK = new SegmentType(0x6474e551);
    public static final SegmentType PT_GNU_RELRO = new SegmentType(0x6474e552);
    public static final SegmentType PT_GNU_PROPERTY = new SegmentType(0x6474e553);

    private static final int PT_LOPROC = 0x70000000;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0, "PT_NULL"), Map.entry(1, "PT_LOAD"), Map.entry(2, "PT_DYNAMIC"),
            Map.entry(3, "PT_INTERP"), Map.entry(4, "PT_NOTE"), Map.entry(5, "PT_SHLIB"),
            Map.entry(6, "PT_PHDR"), Map.entry(7, "PT_TLS"),
            Map.entry(0x6474e550, "PT_GNU_EH_FRAME"), Map.entry(0x6474e551, "PT_GNU_STACK"),
            Map.entry(0x6474e552, "PT_GNU_RELRO"), Map.entry(0x6474e553, "PT_GNU_PROPERTY"),
            Map.entry(0x6474e554, "PT_GNU_SFRAME"),
            Map.entry(0x65a3dbe6, "PT_OPENBSD_RANDOMIZE"), Map.entry(0x65a3dbe7, "PT_OPENBSD_WXNEEDED"),
            Map.entry(0x65a41be6, "PT_OPENBSD_BOOTDATA"),
            Map.entry(0x6ffffffa, "PT_SUNWBSS"), Map.entry(0x6ffffffb, "PT_SUNWSTACK"));

    private static final Map<Integer, String> ARM = Map.of(0x70000000, "PT_ARM_ARCHEXT",
            0x70000001, "PT_ARM_EXIDX");
    private static final Map<Integer, String> AARCH64 = Map.of(0x70000002, "PT_AARCH64_MEMTAG_MTE");
    private static final Map<Integer, String> MIPS = Map.of(0x70000000, "PT_MIPS_REGINFO",
            0x70000001, "PT_MIPS_RTPROC", 0x70000002, "PT_MIPS_OPTIONS", 0x70000003, "PT_MIPS_ABIFLAGS");
    private static final Map<Integer, String> RISCV = Map.of(0x70000003, "PT_RISCV_ATTRIBUTES");
    private static final Map<Integer, String> IA_64 = Map.of(0x70000000, "PT_IA_64_ARCHEXT",
            0x70000001, "PT_IA_64_UNWIND");
    private static final Map<Integer, String> PARISC = Map.of(0x70000000, "PT_PARISC_ARCHEXT",
            0x70000001, "PT_PARISC_UNWIND");
    private static final Map<Integer, String> S390 = Map.of(0x70000000, "PT_S390_PGSTE");

    /** The processor-specific names, per machine (the psABI's table). */
    private static final Map<Machine, Map<Integer, String>> PROCESSOR = Map.of(
            Machine.EM_ARM, ARM, Machine.EM_AARCH64, AARCH64, Machine.EM_MIPS, MIPS,
            new Machine(10), MIPS, Machine.EM_RISCV, RISCV, Machine.EM_IA_64, IA_64,
            Machine.EM_PARISC, PARISC, Machine.EM_S390, S390);

    /** The spec name in a file of {@code machine}, or {@code unknown(N)}. */
    public String specName(Machine machine) {
        if (value >= PT_LOPROC) { // 0x70000000..0x7fffffff
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
