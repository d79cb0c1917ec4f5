package org.modload.loader.elf;

import java.util.Map;

/**
 * Note type names, which depend on the owner and, for the generic owners, on whether the file is
 * a core file: one table per owner, spelled as binutils' {@code include/elf/common.h}.
 */
final class NoteTypes {
    private NoteTypes() {
    }

    private static final Map<Integer, String> GNU = Map.of(1, "NT_GNU_ABI_TAG", 2, "NT_GNU_HWCAP",
            3, "NT_GNU_BUILD_ID", 4, "NT_GNU_GOLD_VERSION", 5, "NT_GNU_PROPERTY_TYPE_0",
            0x100, "NT_GNU_BUILD_ATTRIBUTE_OPEN", 0x101, "NT_GNU_BUILD_ATTRIBUTE_FUNC");
    /** Core files (owners CORE and LINUX, and GDB's target description in gcore's files). */
    private static final Map<Integer, String> CORE = Map.ofEntries(
            Map.entry(1, "NT_PRSTATUS"), Map.entry(2, "NT_FPREGSET"), Map.entry(3, "NT_PRPSINFO"),
            Map.entry(4, "NT_TASKSTRUCT"), Map.entry(6, "NT_AUXV"), Map.entry(10, "NT_PSTATUS"),
            Map.entry(12, "NT_FPREGS"), Map.entry(13, "NT_PSINFO"), Map.entry(16, "NT_LWPSTATUS"),
            Map.entry(17, "NT_LWPSINFO"), Map.entry(18, "NT_WIN32PSTATUS"),
            Map.entry(0x46e62b7f, "NT_PRXFPREG"), Map.entry(0x100, "NT_PPC_VMX"), Map.entry(0x102, "NT_PPC_VSX"),
            Map.entry(0x200, "NT_386_TLS"), Map.entry(0x201, "NT_386_IOPERM"), Map.entry(0x202, "NT_X86_XSTATE"),
            Map.entry(0x203, "NT_X86_CET"), Map.entry(0x300, "NT_S390_HIGH_GPRS"),
            Map.entry(0x400, "NT_ARM_VFP"), Map.entry(0x401, "NT_ARM_TLS"), Map.entry(0x402, "NT_ARM_HW_BREAK"),
            Map.entry(0x403, "NT_ARM_HW_WATCH"), Map.entry(0x405, "NT_ARM_SVE"),
            Map.entry(0x406, "NT_ARM_PAC_MASK"), Map.entry(0x409, "NT_ARM_TAGGED_ADDR_CTRL"),
            Map.entry(0x900, "NT_RISCV_CSR"), Map.entry(0x53494749, "NT_SIGINFO"), Map.entry(0x46494c45, "NT_FILE"),
            Map.entry(0xff000000, "NT_GDB_TDESC"));
    /** Object files, owners without a table of their own. */
    private static final Map<Integer, String> GENERIC = Map.of(1, "NT_VERSION", 2, "NT_ARCH",
            0x100, "NT_GNU_BUILD_ATTRIBUTE_OPEN", 0x101, "NT_GNU_BUILD_ATTRIBUTE_FUNC");
    private static final Map<Integer, String> STAPSDT = Map.of(3, "NT_STAPSDT");
    private static final Map<Integer, String> FDO = Map.of(0xcafe1a7e, "NT_FDO_PACKAGING_METADATA");
    private static final Map<Integer, String> GO = Map.of(4, "NT_GO_BUILDID");

    private static final Map<String, Map<Integer, String>> BY_OWNER = Map.of("GNU", GNU, "stapsdt", STAPSDT,
            "FDO", FDO, "Go", GO);

    static String name(String owner, int type, ElfType fileType) {
        Map<Integer, String> table = BY_OWNER.get(owner);
        if (table == null) {
            table = fileType.equals(ElfType.ET_CORE) ? CORE : GENERIC;
        }
        return SpecNames.name(table, type);
    }
}
