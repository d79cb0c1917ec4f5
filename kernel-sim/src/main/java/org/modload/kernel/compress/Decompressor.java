package org.modload.kernel.compress;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.modload.kernel.diag.CompressedDataException;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.MemoryLimitException;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.SingleXZInputStream;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;

/**
 * Decompresses one whole stream of any {@link Compression} into memory, through well-kept
 * libraries: gzip by the JDK's zlib, bzip2 by Apache Commons Compress, xz and legacy lzma by
 * XZ for Java, zstd by zstd-jni (libzstd), and the LZO1X and LZ4 blocks of the lzop and LZ4
 * legacy containers by aircompressor ({@link BlockFormats} reads the containers). Every
 * decoder verifies what its format carries (CRCs, sizes, end markers) as it reads. Formats with
 * an end read one stream, as the kernel's decompressors do (one xz stream, one bzip2 stream; gzip
 * members and zstd frames follow each other to the end of the data, as gzip and zstd read them),
 * and the bytes after it are not looked at. Stateless; safe to call from any thread.
 */
public final class Decompressor {

    /** The most bytes one buffer holds: no stream decompresses to more. */
    public static final int MAX_BUFFER = Integer.MAX_VALUE - 8;

    /**
     * The most memory an xz or lzma stream may ask for: the kernel's xz_wrap.sh uses a 32 MiB
     * dictionary, {@code lzma -9} 64 MiB, modules 1 MiB; a stream asking for far more is no
     * kernel's, and is refused before the decoder allocates it.
     */
    public static final int MEMORY_LIMIT_KIB = 256 * 1024;

    /** The first allocation for a stream of unknown size, per compressed byte (modules shrink about 4:1 with xz). */
    private static final int FIRST_GUESS_RATIO = 4;
    private static final int FIRST_GUESS_MIN = 64 * 1024;

    /**
     * The most bytes a stream may decompress to, and why, for the message that refuses more:
     * {@code decompresses to more than the 100 bytes the size trailer says}.
     *
     * @param bytes the limit, at most {@link #MAX_BUFFER}
     * @param reason what sets it, e.g. {@code the size trailer says}
     */
    public record Limit(int bytes, String reason) {
        public Limit {
            if (bytes < 0 || bytes > MAX_BUFFER) {
                throw new IllegalArgumentException("limit " + bytes + " is not in [0, " + MAX_BUFFER + "]");
            }
            Objects.requireNonNull(reason, "reason");
        }

        /** As much as one buffer holds. */
        public static Limit buffer() {
            return new Limit(MAX_BUFFER, "one buffer can hold");
        }
    }

    private Decompressor() {
    }

    /**
     * Decompresses the whole {@code format} stream in {@code data}, from its position to its limit.
     *
     * @param file the name messages give the input
     * @param data the compressed stream; neither it nor its position is changed, nor is it kept
     * @param sizeHint the expected decompressed size (the output is allocated at it once, so a
     *     right hint costs no copy), or 0 when not known
     * @param limit the most bytes accepted
     * @return a heap buffer over the decompressed bytes, position 0, limit their count; its
     *     backing array is the caller's, at most an eighth larger than the bytes
     * @throws CompressedDataException if the stream is corrupt or truncated, needs more than
     *     {@link #MEMORY_LIMIT_KIB} of memory, uses options the decoder does not have, or
     *     decompresses to more than {@code limit}
     */
    public static ByteBuffer decompress(String file, Compression format, ByteBuffer data, int sizeHint, Limit limit) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(format, "format");
        ByteBuffer in = data.slice();
        int first = sizeHint > 0 ? sizeHint
                : (int) Math.max(FIRST_GUESS_MIN, Math.min((long) in.remaining() * FIRST_GUESS_RATIO, MAX_BUFFER));
        Output out = new Output(file, format, Math.min(first, limit.bytes()), limit);
        Input input = new Input(in);
        try {
            switch (format) {
                case LZO -> BlockFormats.lzop(file, in, out);
                case LZ4 -> BlockFormats.lz4Legacy(file, in, out);
                default -> {
                    try (InputStream s = open(format, input)) {
                        out.drain(s);
                    }
                }
            }
        } catch (CompressedDataException e) {
            throw e;
        } catch (MemoryLimitException e) {
            throw fail(file, format, input, "the stream needs " + e.getMemoryNeeded() + " KiB of memory to decompress,"
                    + " more than the " + MEMORY_LIMIT_KIB + " KiB allowed", e);
        } catch (UnsupportedOptionsException e) {
            throw fail(file, format, input, "unsupported options: " + e.getMessage(), e);
        } catch (EOFException e) {
            throw CompressedDataException.of(file, format.tool(), OptionalLong.of(in.limit()), "truncated: the "
                    + format.tool() + " stream ends early, after all 0x" + Long.toHexString(in.limit()) + " bytes", e);
        } catch (IOException | RuntimeException e) {
            // Every decoder reports corrupt input as an IOException (ZipException, CorruptedInputException,
            // ZstdIOException...), some also with unchecked exceptions; the wording is the library's.
            throw fail(file, format, input, "corrupt near byte 0x" + Long.toHexString(input.position()) + ": "
                    + describe(e), e);
        }
        return out.result();
    }

    private static InputStream open(Compression format, InputStream in) throws IOException {
        return switch (format) {
            case GZIP -> new GZIPInputStream(in, 64 * 1024);
            case BZIP2 -> new BZip2CompressorInputStream(in, false);
            case LZMA -> new LZMAInputStream(in, MEMORY_LIMIT_KIB);
            case XZ -> new SingleXZInputStream(in, MEMORY_LIMIT_KIB);
            case ZSTD -> new ZstdInputStreamNoFinalizer(in);
            case LZO, LZ4 -> throw new IllegalArgumentException(format + " is a block format");
        };
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static CompressedDataException fail(String file, Compression format, Input input, String detail,
            Throwable cause) {
        return CompressedDataException.of(file, format.tool(), OptionalLong.of(input.position()), detail, cause);
    }

    /** The growing output, refusing to pass its limit. */
    static final class Output {
        private final String file;
        private final Compression format;
        private final Limit limit;
        private byte[] bytes;
        private int size;

        Output(String file, Compression format, int first, Limit limit) {
            this.file = file;
            this.format = format;
            this.limit = limit;
            this.bytes = new byte[first];
        }

        /** Reads {@code in} to its end. */
        void drain(InputStream in) throws IOException {
            while (true) {
                if (size == bytes.length) {
                    // Full: either the stream ends here (the common case of a right size hint) or it needs room.
                    int next = in.read();
                    if (next < 0) {
                        return;
                    }
                    reserve(1);
                    bytes[size++] = (byte) next;
                    continue;
                }
                int r = in.read(bytes, size, bytes.length - size);
                if (r < 0) {
                    return;
                }
                size += r;
            }
        }

        /** Room for {@code more} bytes at {@link #size()}; refuses to pass the limit. */
        void reserve(int more) {
            long needed = (long) size + more;
            if (needed > limit.bytes()) {
                throw CompressedDataException.of(file, format.tool(), OptionalLong.empty(), "the " + format.tool()
                        + " stream decompresses to more than the " + limit.bytes() + " bytes " + limit.reason(), null);
            }
            if (needed > bytes.length) {
                long grown = Math.max(needed, Math.min((long) bytes.length * 2, limit.bytes()));
                bytes = Arrays.copyOf(bytes, (int) grown);
            }
        }

        byte[] array() {
            return bytes;
        }

        int size() {
            return size;
        }

        void advance(int n) {
            size += n;
        }

        /** The bytes, in an array cut to size when growing left more than an eighth of it unused. */
        ByteBuffer result() {
            if (bytes.length - size > bytes.length / 8) {
                bytes = Arrays.copyOf(bytes, size);
            }
            return ByteBuffer.wrap(bytes, 0, size).slice();
        }
    }

    /** The compressed bytes as a stream that knows how far the decoder has read, for messages. */
    private static final class Input extends InputStream {
        private final ByteBuffer bytes;

        Input(ByteBuffer bytes) {
            this.bytes = bytes.duplicate();
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
