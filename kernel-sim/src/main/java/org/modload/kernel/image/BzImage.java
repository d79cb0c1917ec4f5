package org.modload.kernel.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.modload.kernel.diag.KernelImageException;

/**
 * Where the compressed kernel lies inside an x86 bzImage, read from the real-mode setup header
 * (Linux {@code Documentation/x86/boot.rst}): {@code setup_sects} at 0x1f1 gives the start of the
 * protected-mode part, {@code (setup_sects + 1) * 512}; from boot protocol 2.08 on,
 * {@code payload_offset} and {@code payload_length} at 0x248 and 0x24c locate the payload
 * relative to that start. Older images, and payloads whose first bytes are no known compressor's,
 * are searched for the xz stream magic instead.
 *
 * @param protocol the boot protocol version, e.g. {@code 0x20f}
 * @param offset the file offset of the xz stream
 * @param length the payload's length in bytes (for a found-by-search stream, up to the end of the file)
 * @param fromHeader whether the setup header located the payload, so that it ends with the
 *     kernel build's 4-byte little-endian decompressed-size trailer
 */
record BzImage(int protocol, long offset, long length, boolean fromHeader) {

    static final int SETUP_SECTS = 0x1f1;
    static final int HEADER_MAGIC = 0x202;
    static final int VERSION = 0x206;
    static final int PAYLOAD_OFFSET = 0x248;
    static final int PAYLOAD_LENGTH = 0x24c;
    /** The setup header's last field we read ends here; every bzImage is far larger. */
    static final int MIN_SIZE = 0x250;
    static final int PAYLOAD_FIELDS_PROTOCOL = 0x208;
    static final int HDRS = 0x53726448; // "HdrS" read little-endian

    /** The first six bytes of every xz stream. */
    private static final byte[] XZ_MAGIC = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};

    /** The other compressors a bzImage payload may use (lib/decompress.c), by magic, for the message. */
    private enum Compressor {
        GZIP("gzip", "CONFIG_KERNEL_GZIP", 0x1f, 0x8b),
        BZIP2("bzip2", "CONFIG_KERNEL_BZIP2", 'B', 'Z', 'h'),
        LZMA("lzma", "CONFIG_KERNEL_LZMA", 0x5d, 0x00, 0x00),
        LZO("lzo", "CONFIG_KERNEL_LZO", 0x89, 'L', 'Z', 'O'),
        LZ4("lz4", "CONFIG_KERNEL_LZ4", 0x02, 0x21, 0x4c, 0x18),
        ZSTD("zstd", "CONFIG_KERNEL_ZSTD", 0x28, 0xb5, 0x2f, 0xfd);

        private final String name;
        private final String config;
        private final int[] magic;

        Compressor(String name, String config, int... magic) {
            this.name = name;
            this.config = config;
            this.magic = magic;
        }

        boolean matches(ByteBuffer b, long at) {
            if (b.limit() - at < magic.length) {
                return false;
            }
            for (int i = 0; i < magic.length; i++) {
                if ((b.get((int) at + i) & 0xff) != magic[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Locates the xz payload of a bzImage.
     *
     * @param file the display name for messages
     * @param image the whole file, position 0; not changed
     * @throws KernelImageException (part BZIMAGE) if the file is too short, is no bzImage, its
     *     payload fields point outside it, its payload uses another compressor, or no xz stream is found
     */
    static BzImage locate(String file, ByteBuffer image) {
        ByteBuffer b = image.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long size = b.limit();
        if (size < MIN_SIZE) {
            throw KernelImageException.inBzImage(file, size, "truncated: file size " + hex(size)
                    + " ends inside the x86 boot sector and setup header, which run to " + hex(MIN_SIZE));
        }
        if (b.getInt(HEADER_MAGIC) != HDRS) {
            throw KernelImageException.inBzImage(file, HEADER_MAGIC, "not an x86 bzImage: setup header magic is "
                    + bytes(b, HEADER_MAGIC, 4) + ", expected \"HdrS\" (48 64 72 53)");
        }
        int protocol = Short.toUnsignedInt(b.getShort(VERSION));
        int setupSects = Byte.toUnsignedInt(b.get(SETUP_SECTS));
        // boot.rst: "If this field is 0, the real value is 4."
        long protectedMode = ((setupSects == 0 ? 4 : setupSects) + 1L) * 512;
        if (protectedMode > size) {
            throw KernelImageException.inBzImage(file, SETUP_SECTS, "truncated: setup_sects " + setupSects
                    + " puts the protected-mode kernel at " + hex(protectedMode) + ", beyond file size " + hex(size));
        }
        if (protocol < PAYLOAD_FIELDS_PROTOCOL) {
            return search(file, b, protocol, protectedMode, "boot protocol " + version(protocol)
                    + " has no payload_offset field");
        }
        long payloadOffset = Integer.toUnsignedLong(b.getInt(PAYLOAD_OFFSET));
        long payloadLength = Integer.toUnsignedLong(b.getInt(PAYLOAD_LENGTH));
        long start = protectedMode + payloadOffset;
        if (start + payloadLength > size) {
            throw KernelImageException.inBzImage(file, PAYLOAD_OFFSET, "truncated: payload at " + hex(protectedMode)
                    + " + payload_offset " + hex(payloadOffset) + " with payload_length " + hex(payloadLength)
                    + " ends at " + hex(start + payloadLength) + ", beyond file size " + hex(size));
        }
        if (payloadLength < XZ_MAGIC.length + 4) {
            throw KernelImageException.inBzImage(file, PAYLOAD_LENGTH, "payload_length " + hex(payloadLength)
                    + " is too small for a compressed kernel");
        }
        if (startsWithXz(b, start)) {
            return new BzImage(protocol, start, payloadLength, true);
        }
        for (Compressor c : Compressor.values()) {
            if (c.matches(b, start)) {
                throw KernelImageException.inBzImage(file, start, "payload is " + c.name + "-compressed ("
                        + c.config + "); only xz (CONFIG_KERNEL_XZ) is supported");
            }
        }
        return search(file, b, protocol, protectedMode, "the payload at " + hex(start) + " starts "
                + bytes(b, start, XZ_MAGIC.length));
    }

    /** The first xz stream magic at or after {@code from}, for images whose header does not say. */
    private static BzImage search(String file, ByteBuffer b, int protocol, long from, String why) {
        int limit = b.limit() - XZ_MAGIC.length;
        for (int i = (int) from; i <= limit; i++) {
            if (b.get(i) == XZ_MAGIC[0] && startsWithXz(b, i)) {
                return new BzImage(protocol, i, b.limit() - i, false);
            }
        }
        throw KernelImageException.inBzImage(file, from, "no xz payload: " + why
                + ", and no xz stream magic (fd 37 7a 58 5a 00) follows in the file");
    }

    private static boolean startsWithXz(ByteBuffer b, long at) {
        if (b.limit() - at < XZ_MAGIC.length) {
            return false;
        }
        for (int i = 0; i < XZ_MAGIC.length; i++) {
            if (b.get((int) at + i) != XZ_MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static String bytes(ByteBuffer b, long at, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n && at + i < b.limit(); i++) {
            s.append(i == 0 ? "" : " ").append(String.format("%02x", b.get((int) at + i) & 0xff));
        }
        return s.toString();
    }

    private static String version(int protocol) {
        return (protocol >>> 8) + "." + String.format("%02d", protocol & 0xff);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
