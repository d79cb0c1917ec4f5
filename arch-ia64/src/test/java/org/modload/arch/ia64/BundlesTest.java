package org.modload.arch.ia64;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Slot access and immediate encodings, checked against Linux's own formulas
 * ({@code ia64_patch}, {@code apply_imm22}, {@code apply_imm21b}, {@code ia64_patch_imm64},
 * {@code ia64_patch_imm60}) re-stated here on the bundle as two 64-bit words, and round trips
 * through the decoders the oracle uses.
 */
class BundlesTest {
    private static final Random RANDOM = new Random(5);

    private static ByteBuffer randomBundle() {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, RANDOM.nextLong());
        b.putLong(8, RANDOM.nextLong());
        return b;
    }

    /** Linux's ia64_patch(), on the two words of a bundle. */
    private static void linuxPatch(ByteBuffer b, int slot, long mask, long val) {
        long b0 = b.getLong(0);
        long b1 = b.getLong(8);
        int shift = 5 + 41 * slot;
        long m0 = 0;
        long m1;
        long v0 = 0;
        long v1;
        if (shift >= 64) {
            m1 = mask << (shift - 64);
            v1 = val << (shift - 64);
        } else {
            m0 = mask << shift;
            m1 = shift == 0 ? 0 : mask >>> (64 - shift);
            v0 = val << shift;
            v1 = shift == 0 ? 0 : val >>> (64 - shift);
            b.putLong(0, (b0 & ~m0) | (v0 & m0));
        }
        b.putLong(8, (b1 & ~m1) | (v1 & m1));
    }

    @Test
    void slotsRoundTripAndLeaveTheRestAlone() {
        for (int i = 0; i < 1000; i++) {
            ByteBuffer b = randomBundle();
            int slot = i % 3;
            long insn = RANDOM.nextLong() & ((1L << 41) - 1);
            ByteBuffer expected = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer copy = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).put(0, expected, 0, 16);
            linuxPatch(copy, slot, (1L << 41) - 1, insn);
            Bundles.setSlot(b, 0, slot, insn);
            assertEquals(copy.getLong(0), b.getLong(0));
            assertEquals(copy.getLong(8), b.getLong(8));
            assertEquals(insn, Bundles.slot(b, 0, slot));
        }
    }

    @Test
    void imm22AndImm21bAreLinuxs() {
        for (int i = 0; i < 1000; i++) {
            int slot = i % 3;
            long v22 = RANDOM.nextInt(1 << 22) - (1 << 21);
            ByteBuffer b = randomBundle();
            ByteBuffer l = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).put(0, b, 0, 16);
            linuxPatch(l, slot, 0x01fffcfe000L, ((v22 & 0x200000L) << 15) | ((v22 & 0x1f0000L) << 6)
                    | ((v22 & 0x00ff80L) << 20) | ((v22 & 0x00007fL) << 13));
            Bundles.setSlot(b, 0, slot, Bundles.imm22(Bundles.slot(b, 0, slot), v22));
            assertEquals(l.getLong(0), b.getLong(0));
            assertEquals(l.getLong(8), b.getLong(8));
            assertEquals(v22, Bundles.decodeImm22(Bundles.slot(b, 0, slot)));

            long q = RANDOM.nextInt(1 << 21) - (1 << 20);
            linuxPatch(l, slot, 0x11ffffe000L, ((q & 0x100000L) << 16) | ((q & 0x0fffffL) << 13));
            Bundles.setSlot(b, 0, slot, Bundles.imm21b(Bundles.slot(b, 0, slot), q));
            assertEquals(l.getLong(0), b.getLong(0));
            assertEquals(l.getLong(8), b.getLong(8));
            assertEquals(q, Bundles.decodeImm21b(Bundles.slot(b, 0, slot)));
        }
    }

    @Test
    void imm64AndImm60AreLinuxs() {
        for (int i = 0; i < 1000; i++) {
            long v = RANDOM.nextLong();
            ByteBuffer b = randomBundle();
            ByteBuffer l = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).put(0, b, 0, 16);
            linuxPatch(l, 2, 0x01fffefe000L, ((v & 0x8000000000000000L) >>> 27) | (v & 0x0000000000200000L)
                    | ((v & 0x00000000001f0000L) << 6) | ((v & 0x000000000000ff80L) << 20)
                    | ((v & 0x000000000000007fL) << 13));
            linuxPatch(l, 1, 0x1ffffffffffL, v >>> 22);
            Bundles.putImm64(b, 0, v);
            assertEquals(l.getLong(0), b.getLong(0));
            assertEquals(l.getLong(8), b.getLong(8));
            assertEquals(v, Bundles.imm64(b, 0));

            long q = v >> 4;
            linuxPatch(l, 2, 0x011ffffe000L, ((q & 0x0800000000000000L) >>> 23) | ((q & 0x00000000000fffffL) << 13));
            linuxPatch(l, 1, 0x1fffffffffcL, q >>> 18);
            Bundles.putImm60(b, 0, q);
            assertEquals(l.getLong(0), b.getLong(0));
            assertEquals(l.getLong(8), b.getLong(8));
            assertEquals(q, Bundles.imm60(b, 0));
        }
    }

    @Test
    void narrowFormsRoundTrip() {
        for (int i = 0; i < 1000; i++) {
            long insn = RANDOM.nextLong() & ((1L << 41) - 1);
            long v14 = RANDOM.nextInt(1 << 14) - (1 << 13);
            long q = RANDOM.nextInt(1 << 21) - (1 << 20);
            assertEquals(v14, Bundles.decodeImm14(Bundles.imm14(insn, v14)));
            assertEquals(q, Bundles.decodeImm21m(Bundles.imm21m(insn, q)));
            assertEquals(q, Bundles.decodeImm21f(Bundles.imm21f(insn, q)));
        }
    }
}
