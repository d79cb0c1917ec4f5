package org.modload.kernel.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.tukaani.xz.FilterOptions;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.X86Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZOutputStream;

/**
 * Wraps a payload the way an x86 bzImage does: a boot sector and setup header
 * ({@code setup_sects} = 1, so the protected-mode part starts at 0x400), then some stand-in
 * decompressor bytes, the payload (xz with the x86 BCJ filter and CRC32, as the kernel's
 * xz_wrap.sh makes it, followed by the 4-byte size trailer), then more bytes after it.
 */
final class TestBzImage {
    static final int PROTECTED_MODE = 0x400;
    /** Where the payload starts, relative to the protected-mode part (as payload_offset says). */
    static final int PAYLOAD_OFFSET = 0x2c0;

    private TestBzImage() {
    }

    /** The xz stream a kernel build makes of {@code vmlinux}, with the size trailer. */
    static byte[] xzPayload(byte[] vmlinux) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XZOutputStream xz = new XZOutputStream(out,
                new FilterOptions[] {new X86Options(), new LZMA2Options()}, XZ.CHECK_CRC32)) {
            xz.write(vmlinux);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(vmlinux.length).array());
        return out.toByteArray();
    }

    /** A protocol 2.15 bzImage around {@code payload} (already compressed, trailer included). */
    static byte[] wrap(byte[] payload) {
        return wrap(payload, 0x20f);
    }

    static byte[] wrap(byte[] payload, int protocol) {
        ByteBuffer b = ByteBuffer.allocate(PROTECTED_MODE + PAYLOAD_OFFSET + payload.length + 0x100)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1f1, (byte) 1);
        b.putShort(0x1fe, (short) 0xaa55);
        b.put(0x202, (byte) 'H').put(0x203, (byte) 'd').put(0x204, (byte) 'r').put(0x205, (byte) 'S');
        b.putShort(0x206, (short) protocol);
        b.putInt(0x248, PAYLOAD_OFFSET);
        b.putInt(0x24c, payload.length);
        for (int i = PROTECTED_MODE; i < PROTECTED_MODE + PAYLOAD_OFFSET; i++) {
            b.put(i, (byte) 0x90);
        }
        b.put(PROTECTED_MODE + PAYLOAD_OFFSET, payload);
        for (int i = PROTECTED_MODE + PAYLOAD_OFFSET + payload.length; i < b.limit(); i++) {
            b.put(i, (byte) 0xcc);
        }
        return b.array();
    }

    /** The bzImage of {@code vmlinux}. */
    static byte[] of(byte[] vmlinux) {
        return wrap(xzPayload(vmlinux));
    }

    /** The file offset of the payload in what {@link #wrap} makes. */
    static int payloadStart() {
        return PROTECTED_MODE + PAYLOAD_OFFSET;
    }
}
