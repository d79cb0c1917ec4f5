package org.modload.kernel.image;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.modload.kernel.diag.KernelImageException;
import org.tukaani.xz.CorruptedInputException;
import org.tukaani.xz.MemoryLimitException;
import org.tukaani.xz.SingleXZInputStream;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.XZFormatException;

/**
 * Decompresses the xz payload of a bzImage into one array, the vmlinux ELF (followed, on
 * relocatable kernels, by the boot-time relocation list, which the ELF reader ignores).
 *
 * <p>When the setup header located the payload, its last four bytes are the decompressed size
 * (Linux {@code scripts/Makefile.lib} {@code size_append}); the output array is allocated at that
 * size once and filled in place, so the ~60 MB kernel is never copied. The trailer is checked
 * against the stream, which XZ for Java verifies (block CRCs, index, footer) as it reads.
 */
final class XzPayload {
    /** The largest decompressed kernel accepted, so that a forged size cannot exhaust the heap. */
    static final int MAX_SIZE = 1 << 30;
    /** The kernel's xz_wrap.sh uses a 32 MiB dictionary; a stream asking for far more is not a kernel. */
    private static final int MEMORY_LIMIT_KIB = 256 * 1024;
    private static final int SIZE_TRAILER = 4;

    private XzPayload() {
    }

    /**
     * Decompresses the payload {@code bz} locates in {@code image}.
     *
     * @return a little-endian buffer over the decompressed bytes, position 0
     * @throws KernelImageException (part XZ_PAYLOAD) if the stream is corrupt, truncated, uses
     *     unsupported options, or disagrees with the size trailer
     */
    static ByteBuffer decompress(String file, ByteBuffer image, BzImage bz) {
        ByteBuffer payload = image.slice((int) bz.offset(), (int) bz.length()).order(ByteOrder.LITTLE_ENDIAN);
        Input in = new Input(payload);
        try (SingleXZInputStream xz = new SingleXZInputStream(in, MEMORY_LIMIT_KIB)) {
            byte[] out = bz.fromHeader() ? exactly(file, bz, payload, xz) : upTo(file, bz, xz);
            return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        } catch (XZFormatException e) {
            throw fail(file, bz, "not an xz stream (" + e.getMessage() + ")", e);
        } catch (CorruptedInputException e) {
            throw fail(file, bz, "corrupt xz data near payload byte " + hex(in.position()) + ": " + e.getMessage(), e);
        } catch (UnsupportedOptionsException e) {
            throw fail(file, bz, "unsupported xz stream: " + e.getMessage(), e);
        } catch (MemoryLimitException e) {
            throw fail(file, bz, "the xz stream needs " + e.getMemoryNeeded() + " KiB to decompress, more than the "
                    + MEMORY_LIMIT_KIB + " KiB a kernel image may ask for", e);
        } catch (EOFException e) {
            throw fail(file, bz, "truncated: the xz stream ends early, after all " + hex(in.position())
                    + " bytes of the payload", e);
        } catch (IOException e) {
            throw fail(file, bz, "cannot decompress: " + e.getMessage(), e);
        }
    }

    /** Reads exactly the trailer's size and checks that the stream ends there. */
    private static byte[] exactly(String file, BzImage bz, ByteBuffer payload, InputStream xz) throws IOException {
        long trailerAt = bz.length() - SIZE_TRAILER;
        long size = Integer.toUnsignedLong(payload.getInt((int) trailerAt));
        if (size > MAX_SIZE) {
            throw fail(file, bz, "the size trailer at payload byte " + hex(trailerAt) + " says " + size
                    + " bytes, more than the " + MAX_SIZE + " a kernel image may decompress to", null);
        }
        byte[] out = new byte[(int) size];
        int n = xz.readNBytes(out, 0, out.length);
        if (n < out.length) {
            throw fail(file, bz, "the xz stream decompresses to " + n + " bytes, but the size trailer at payload byte "
                    + hex(trailerAt) + " says " + size, null);
        }
        if (xz.read() != -1) {
            throw fail(file, bz, "the xz stream decompresses to more than the " + size
                    + " bytes the size trailer at payload byte " + hex(trailerAt) + " says", null);
        }
        return out;
    }

    /** Without a trailer: grows the output as needed, up to {@link #MAX_SIZE}. */
    private static byte[] upTo(String file, BzImage bz, InputStream xz) throws IOException {
        byte[] out = new byte[1 << 20];
        int n = 0;
        while (true) {
            if (n == out.length) {
                if (n == MAX_SIZE) {
                    if (xz.read() == -1) {
                        return out;
                    }
                    throw fail(file, bz, "the xz stream decompresses to more than the " + MAX_SIZE
                            + " bytes a kernel image may decompress to", null);
                }
                out = Arrays.copyOf(out, Math.min(MAX_SIZE, 2 * n));
            }
            int r = xz.read(out, n, out.length - n);
            if (r < 0) {
                return n == out.length ? out : Arrays.copyOf(out, n);
            }
            n += r;
        }
    }

    private static KernelImageException fail(String file, BzImage bz, String detail, Throwable cause) {
        return KernelImageException.inPayload(file, bz.offset(), detail, cause);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** The payload as a stream, knowing how far the decompressor has read, for messages. */
    private static final class Input extends InputStream {
        private final ByteBuffer bytes;

        Input(ByteBuffer bytes) {
            this.bytes = bytes;
        }

        long position() {
            return bytes.position();
        }

        @Override
        public int read() {
            return bytes.hasRemaining() ? bytes.get() & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (!bytes.hasRemaining()) {
                return -1;
            }
            int n = Math.min(len, bytes.remaining());
            bytes.get(b, off, n);
            return n;
        }

        @Override
        public int available() {
            return bytes.remaining();
        }
    }
}
