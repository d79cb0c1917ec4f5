package org.modload.kernel.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import org.modload.kernel.compress.Compression;
import org.modload.kernel.compress.Decompressor;
import org.modload.kernel.diag.CompressedDataException;
import org.modload.kernel.diag.KernelImageException;

/**
 * The compressed kernel inside an x86 bzImage ({@code vmlinuz}), located from the real-mode setup
 * header (Linux {@code Documentation/arch/x86/boot.rst}): {@code setup_sects} at 0x1f1 gives the
 * start of the protected-mode part, {@code (setup_sects + 1) * 512}; from boot protocol 2.08 on,
 * {@code payload_offset} and {@code payload_length} at 0x248 and 0x24c locate the payload relative
 * to that start, and the payload's first bytes say its compression ({@link Compression}: any of
 * {@code CONFIG_KERNEL_GZIP}, {@code BZIP2}, {@code LZMA}, {@code XZ}, {@code LZO}, {@code LZ4},
 * {@code ZSTD}). Older images, and payloads whose first bytes are no compressor's, are searched
 * for the first stream magic of at least four bytes (xz, lzop, lz4, zstd) instead.
 *
 * <p>A header-located payload ends with the kernel build's 4-byte little-endian decompressed size
 * (Linux {@code scripts/Makefile.lib} {@code size_append}, after every compressor's output): the
 * vmlinux is decompressed into one array of that size, never copied, and must have exactly that
 * size.
 *
 * @param compression the payload's compression
 * @param protocol the boot protocol version, e.g. {@code 0x20f}
 * @param offset the file offset of the compressed stream
 * @param length the payload's length in bytes, the size trailer included (for a found-by-search
 *     stream: up to the end of the file)
 * @param fromHeader whether the setup header located the payload, so that it ends with the size trailer
 */
public record KernelPayload(Compression compression, int protocol, long offset, long length, boolean fromHeader) {

    static final int SETUP_SECTS = 0x1f1;
    static final int HEADER_MAGIC = 0x202;
    static final int VERSION = 0x206;
    static final int PAYLOAD_OFFSET = 0x248;
    static final int PAYLOAD_LENGTH = 0x24c;
    /** The setup header's last field we read ends here; every bzImage is far larger. */
    static final int MIN_SIZE = 0x250;
    static final int PAYLOAD_FIELDS_PROTOCOL = 0x208;
    static final int HDRS = 0x53726448; // "HdrS" read little-endian
    /** The magic of the shortest stream {@code payload_length} can hold, plus the trailer. */
    private static final int MIN_PAYLOAD = 6 + 4;
    private static final int SIZE_TRAILER = 4;
    /** The largest decompressed kernel accepted, so that a forged size cannot exhaust the heap. */
    public static final int MAX_SIZE = 1 << 30;

    /** The compressions the search looks for: magics long enough not to turn up by chance. */
    private static final List<Compression> SEARCHED = List.of(Compression.XZ, Compression.LZO, Compression.LZ4,
            Compression.ZSTD);

    public KernelPayload {
        Objects.requireNonNull(compression, "compression");
    }

    /**
     * Locates the compressed payload of a bzImage.
     *
     * @param file the display name for messages
     * @param vmlinuz the whole file from its position to its limit; neither is changed
     * @throws KernelImageException (part BZIMAGE) if the file is too short, is no bzImage, its
     *     payload fields point outside it, or no compressed stream is found
     */
    public static KernelPayload locate(String file, ByteBuffer vmlinuz) {
        ByteBuffer b = vmlinuz.slice().order(ByteOrder.LITTLE_ENDIAN);
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
        if (payloadLength < MIN_PAYLOAD) {
            throw KernelImageException.inBzImage(file, PAYLOAD_LENGTH, "payload_length " + hex(payloadLength)
                    + " is too small for a compressed kernel");
        }
        ByteBuffer payload = b.slice((int) start, (int) payloadLength);
        return Compression.of(payload)
                .map(c -> new KernelPayload(c, protocol, start, payloadLength, true))
                .orElseGet(() -> search(file, b, protocol, protectedMode, "the payload at " + hex(start) + " starts "
                        + bytes(b, start, 6) + ", no compressor's magic"));
    }

    /** The first stream magic at or after {@code from}, for images whose header does not say. */
    private static KernelPayload search(String file, ByteBuffer b, int protocol, long from, String why) {
        for (int i = (int) from; i < b.limit(); i++) {
            for (Compression c : SEARCHED) {
                if (c.startsAt(b, i)) {
                    return new KernelPayload(c, protocol, i, b.limit() - i, false);
                }
            }
        }
        throw KernelImageException.inBzImage(file, from, "no compressed payload: " + why + ", and no "
                + SEARCHED.stream().map(Compression::tool).collect(Collectors.joining(", "))
                + " stream magic follows in the file");
    }

    /**
     * Decompresses this payload of {@code vmlinuz} (the buffer {@link #locate} was given).
     *
     * @return a little-endian buffer over the decompressed vmlinux (followed, on relocatable
     *     kernels, by the boot-time relocation list), position 0
     * @throws KernelImageException (part PAYLOAD) if the stream is corrupt, truncated, needs too
     *     much memory, or disagrees with the size trailer
     */
    public ByteBuffer decompress(String file, ByteBuffer vmlinuz) {
        ByteBuffer image = vmlinuz.slice().order(ByteOrder.LITTLE_ENDIAN);
        int streamLength = (int) (fromHeader ? length - SIZE_TRAILER : length);
        ByteBuffer stream = image.slice((int) offset, streamLength);
        try {
            if (!fromHeader) {
                return Decompressor.decompress(file, compression, stream, 0,
                        new Decompressor.Limit(MAX_SIZE, "a kernel image may decompress to")).order(ByteOrder.LITTLE_ENDIAN);
            }
            long trailerAt = length - SIZE_TRAILER;
            long size = Integer.toUnsignedLong(image.getInt((int) (offset + trailerAt)));
            if (size > MAX_SIZE) {
                throw fail(file, "the size trailer at payload byte " + hex(trailerAt) + " says " + size
                        + " bytes, more than the " + MAX_SIZE + " a kernel image may decompress to", null);
            }
            ByteBuffer out = Decompressor.decompress(file, compression, stream, (int) size,
                    new Decompressor.Limit((int) size, "the size trailer at payload byte " + hex(trailerAt) + " says"));
            if (out.remaining() < size) {
                throw fail(file, "the " + compression.tool() + " stream decompresses to " + out.remaining()
                        + " bytes, but the size trailer at payload byte " + hex(trailerAt) + " says " + size, null);
            }
            return out.order(ByteOrder.LITTLE_ENDIAN);
        } catch (CompressedDataException e) {
            throw fail(file, e.detail(), e);
        }
    }

    /**
     * The vmlinux inside a {@code vmlinuz}: {@link #locate} then {@link #decompress}. This is the
     * ELF file (stripped, with section headers) whose {@code __ksymtab*} and certificate list a
     * reader of the kernel wants.
     *
     * @param file the display name for messages
     * @param vmlinuz the whole file from its position to its limit; neither is changed
     * @throws KernelImageException as {@link #locate} and {@link #decompress}
     */
    public static ByteBuffer vmlinux(String file, ByteBuffer vmlinuz) {
        return locate(file, vmlinuz).decompress(file, vmlinuz);
    }

    private KernelImageException fail(String file, String detail, Throwable cause) {
        return KernelImageException.inPayload(file, compression.tool(), offset, detail, cause);
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
