package org.modload.arch.ia64;

import java.nio.ByteBuffer;

/**
 * Linux's two PLT entry templates ({@code ia64_plt_template}): with {@code brl} (two bundles:
 * {@code movl gp=TARGET_GP; brl.many TARGET_IP}) for every core but the first Itanium, and
 * without it (three bundles: {@code movl r16=TARGET_IP; movl gp=TARGET_GP; mov b6=r16; br.few b6})
 * for {@code CONFIG_ITANIUM}.
 */
enum PltTemplate {
    BRL(new byte[] {
        0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x60,
        0x05, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, (byte) 0xc0}),
    NO_BRL(new byte[] {
        0x05, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x60,
        0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x60,
        0x11, 0x00, 0x00, 0x00, 0x01, 0x00, 0x60, (byte) 0x80, 0x04, (byte) 0x80, 0x03, 0x00, 0x60, 0x00,
        (byte) 0x80, 0x00});

    private final byte[] bytes;

    PltTemplate(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The size of one entry in bytes. */
    int size() {
        return bytes.length;
    }

    /**
     * Writes one entry at {@code at} of {@code plt} (whose run-time address is {@code base}) that
     * loads {@code gp} and jumps to {@code ip}. Returns false when the brl displacement does not
     * fit, which it always does for 64-bit addresses (the check is Linux's).
     */
    boolean write(ByteBuffer plt, int at, long base, long ip, long gp) {
        plt.put(at, bytes, 0, bytes.length);
        if (this == BRL) {
            Bundles.putImm64(plt, at, gp);
            long q = (ip - (base + at + 16)) / 16;
            if (q + (1L << 59) < 0 || q + (1L << 59) >= (1L << 60)) {
                return false;
            }
            Bundles.putImm60(plt, at + 16, q);
        } else {
            Bundles.putImm64(plt, at, ip);
            Bundles.putImm64(plt, at + 16, gp);
        }
        return true;
    }

    /** The ip an entry at {@code at} jumps to (Linux's plt_target). */
    long target(ByteBuffer plt, int at, long base) {
        return this == BRL ? base + at + 16 + 16 * Bundles.imm60(plt, at + 16) : Bundles.imm64(plt, at);
    }

    /** The gp an entry at {@code at} loads. */
    long gp(ByteBuffer plt, int at) {
        return Bundles.imm64(plt, this == BRL ? at : at + 16);
    }
}
