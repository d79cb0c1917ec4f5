package org.modload.arch.ia64;

import java.nio.ByteBuffer;

/**
 * The ia64 instruction bundle as Linux's {@code patch.c} and binutils' {@code ia64_elf_install_value}
 * see it: 128 bits, little-endian, a 5-bit template then three 41-bit slots (bits 5..45,
 * 46..86, 87..127). The methods read and write one slot's immediate fields; they check nothing
 * but what the caller cannot (ranges are the caller's business, so that errors can be located).
 * Pure functions on the given buffer; {@code at} is the bundle's first byte.
 */
final class Bundles {
    /** Bytes per bundle. */
    static final int SIZE = 16;
    private static final long SLOT_MASK = (1L << 41) - 1;

    private Bundles() {
    }

    /** The 41 bits of slot {@code slot} (0, 1 or 2) of the bundle at {@code at}. */
    static long slot(ByteBuffer b, int at, int slot) {
        long lo = b.getLong(at);
        long hi = b.getLong(at + 8);
        return switch (slot) {
            case 0 -> (lo >>> 5) & SLOT_MASK;
            case 1 -> ((lo >>> 46) | (hi << 18)) & SLOT_MASK;
            case 2 -> (hi >>> 23) & SLOT_MASK;
            default -> throw new IllegalArgumentException("slot " + slot);
        };
    }

    /** Replaces slot {@code slot} of the bundle at {@code at} with the low 41 bits of {@code insn}. */
    static void setSlot(ByteBuffer b, int at, int slot, long insn) {
        long lo = b.getLong(at);
        long hi = b.getLong(at + 8);
        long v = insn & SLOT_MASK;
        switch (slot) {
            case 0 -> lo = (lo & ~(SLOT_MASK << 5)) | (v << 5);
            case 1 -> {
                lo = (lo & ((1L << 46) - 1)) | (v << 46);
                hi = (hi & ~((1L << 23) - 1)) | (v >>> 18);
            }
            case 2 -> hi = (hi & ((1L << 23) - 1)) | (v << 23);
            default -> throw new IllegalArgumentException("slot " + slot);
        }
        b.putLong(at, lo);
        b.putLong(at + 8, hi);
    }

    /** The template field (bits 0..4) of the bundle at {@code at}. */
    static int template(ByteBuffer b, int at) {
        return b.get(at) & 0x1f;
    }

    /** Replaces the bits of {@code mask} in slot {@code slot} with those of {@code bits} (Linux's ia64_patch). */
    static void patch(ByteBuffer b, int at, int slot, long mask, long bits) {
        long insn = slot(b, at, slot);
        setSlot(b, at, slot, (insn & ~mask) | (bits & mask));
    }

    // --- immediates of one slot: value bit ranges -> slot bit positions ---------------------

    /** A4 {@code adds}: imm7b 13, imm6d 27, s 36; a signed 14-bit value. */
    static long imm14(long insn, long v) {
        long mask = (0x7fL << 13) | (0x3fL << 27) | (1L << 36);
        return (insn & ~mask) | ((v & 0x7f) << 13) | (((v >>> 7) & 0x3f) << 27) | (((v >>> 13) & 1) << 36);
    }

    static long decodeImm14(long insn) {
        long v = ((insn >>> 13) & 0x7f) | (((insn >>> 27) & 0x3f) << 7) | (((insn >>> 36) & 1) << 13);
        return (v << 50) >> 50;
    }

    /** A5 {@code addl}: imm7b 13, imm9d 27, imm5c 22, s 36; a signed 22-bit value (Linux's apply_imm22). */
    static long imm22(long insn, long v) {
        long mask = 0x01fffcfe000L;
        return (insn & ~mask) | ((v & 0x200000L) << 15) | ((v & 0x1f0000L) << 6) | ((v & 0xff80L) << 20)
                | ((v & 0x7fL) << 13);
    }

    static long decodeImm22(long insn) {
        long v = ((insn >>> 13) & 0x7f) | (((insn >>> 27) & 0x1ff) << 7) | (((insn >>> 22) & 0x1f) << 16)
                | (((insn >>> 36) & 1) << 21);
        return (v << 42) >> 42;
    }

    /** B1 and friends (binutils TGT25c): imm20b 13, s 36; {@code q} is the displacement in bundles. */
    static long imm21b(long insn, long q) {
        long mask = 0x11ffffe000L;
        return (insn & ~mask) | ((q & 0x100000L) << 16) | ((q & 0xfffffL) << 13);
    }

    static long decodeImm21b(long insn) {
        long q = ((insn >>> 13) & 0xfffff) | (((insn >>> 36) & 1) << 20);
        return (q << 43) >> 43;
    }

    /** M20/M21 {@code chk.s} (binutils TGT25b): imm7a 6, imm13c 20, s 36; {@code q} in bundles. */
    static long imm21m(long insn, long q) {
        long mask = (0x7fL << 6) | (0x1fffL << 20) | (1L << 36);
        return (insn & ~mask) | ((q & 0x7f) << 6) | (((q >>> 7) & 0x1fff) << 20) | (((q >>> 20) & 1) << 36);
    }

    static long decodeImm21m(long insn) {
        long q = ((insn >>> 6) & 0x7f) | (((insn >>> 20) & 0x1fff) << 7) | (((insn >>> 36) & 1) << 20);
        return (q << 43) >> 43;
    }

    /** F14 {@code chk.s.f} (binutils TGT25): imm20a 6, s 36; {@code q} in bundles. */
    static long imm21f(long insn, long q) {
        long mask = (0xfffffL << 6) | (1L << 36);
        return (insn & ~mask) | ((q & 0xfffff) << 6) | (((q >>> 20) & 1) << 36);
    }

    static long decodeImm21f(long insn) {
        long q = ((insn >>> 6) & 0xfffff) | (((insn >>> 36) & 1) << 20);
        return (q << 43) >> 43;
    }

    // --- two-slot (MLX) immediates -----------------------------------------------------------

    /** X2 {@code movl}: imm41 in slot 1, imm7b/imm9d/imm5c/ic/i in slot 2 (Linux's ia64_patch_imm64). */
    static void putImm64(ByteBuffer b, int at, long v) {
        patch(b, at, 2, 0x01fffefe000L, ((v >>> 63) << 36) | (v & 0x200000L) | ((v & 0x1f0000L) << 6)
                | ((v & 0xff80L) << 20) | ((v & 0x7fL) << 13));
        setSlot(b, at, 1, v >>> 22);
    }

    static long imm64(ByteBuffer b, int at) {
        long s1 = slot(b, at, 1);
        long s2 = slot(b, at, 2);
        return ((s2 >>> 13) & 0x7f) | (((s2 >>> 27) & 0x1ff) << 7) | (((s2 >>> 22) & 0x1f) << 16)
                | (((s2 >>> 21) & 1) << 21) | (s1 << 22) | (((s2 >>> 36) & 1) << 63);
    }

    /** X3/X4 {@code brl}: imm39 in slot 1 (bits 2..40), imm20b and i in slot 2; {@code q} in bundles. */
    static void putImm60(ByteBuffer b, int at, long q) {
        patch(b, at, 2, 0x011ffffe000L, ((q & 0x0800000000000000L) >>> 23) | ((q & 0xfffffL) << 13));
        patch(b, at, 1, 0x1fffffffffcL, q >>> 18);
    }

    static long imm60(ByteBuffer b, int at) {
        long s1 = slot(b, at, 1);
        long s2 = slot(b, at, 2);
        long q = ((s2 >>> 13) & 0xfffff) | (((s1 >>> 2) & ((1L << 39) - 1)) << 20) | (((s2 >>> 36) & 1) << 59);
        return (q << 4) >> 4;
    }

    /** The major opcode (bits 37..40) of a slot. */
    static int opcode(long insn) {
        return (int) ((insn >>> 37) & 0xf);
    }
}
