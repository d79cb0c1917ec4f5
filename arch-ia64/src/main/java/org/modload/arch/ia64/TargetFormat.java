package org.modload.arch.ia64;

/**
 * Linux's {@code enum reloc_target_format}: where a value goes. The first eight are
 * {@code r_type & 7}; the last four are chosen by the pc-relative types themselves
 * (PCREL60B, PCREL21B/21BI, PCREL21M, PCREL21F), as Linux overrides them.
 */
enum TargetFormat {
    /** 0: nothing (LDXMOV, which patches an opcode rather than an immediate). */
    NONE(true, 0),
    /** 1: A4 {@code adds} imm14. */
    INSN14(false, 0),
    /** 2: A5 {@code addl} imm22. */
    INSN22(true, 0),
    /** 3: X2 {@code movl} imm64 (slots 1 and 2). */
    INSN64(true, 0),
    /** 4: a big-endian 32-bit word. */
    WORD32MSB(false, 4),
    /** 5: a little-endian 32-bit word. */
    WORD32LSB(true, 4),
    /** 6: a big-endian 64-bit word. */
    WORD64MSB(false, 8),
    /** 7: a little-endian 64-bit word. */
    WORD64LSB(true, 8),
    /** X3/X4 {@code brl} imm60, in bundles (slots 1 and 2). */
    INSN60(true, 0),
    /** B1 imm21, in bundles. */
    INSN21B(true, 0),
    /** M20/M21 {@code chk.s} imm21, in bundles. */
    INSN21M(false, 0),
    /** F14 {@code chk.s.f} imm21, in bundles. */
    INSN21F(false, 0);

    private final boolean linux;
    private final int bytes;

    TargetFormat(boolean linux, int bytes) {
        this.linux = linux;
        this.bytes = bytes;
    }

    /**
     * Whether Linux's {@code do_reloc()} writes this format. It refuses the rest ("format %u
     * needed by %s reloc is not supported"): MSB words because ia64 Linux is little-endian, and
     * IMM14/21M/21F because "ld -r" must have resolved them within the module.
     */
    boolean linux() {
        return linux;
    }

    /** The width of a data word; 0 for instruction formats. */
    int bytes() {
        return bytes;
    }

    /** Whether the value goes into an instruction slot. */
    boolean instruction() {
        return bytes == 0 && this != NONE;
    }

    /** The format {@code r_type & 7} names. */
    static TargetFormat ofLowBits(int rType) {
        return values()[rType & 7];
    }
}
