package org.modload.loader.elf;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import com.github.luben.zstd.Zstd;

import org.modload.loader.diag.ElfCheck;
import org.modload.loader.diag.Location;
import org.modload.loader.diag.MalformedElfException;

/**
 * Inflates the contents of an SHF_COMPRESSED section: ELFCOMPRESS_ZLIB with the JDK's
 * {@link Inflater}, ELFCOMPRESS_ZSTD with zstd-jni. The output buffer is sized from ch_size only
 * after ch_size has been checked against what the compressed stream can possibly expand to, so
 * a crafted header cannot make the reader allocate more than the file justifies.
 */
final class Inflation {
    /** zlib's deflate cannot expand by more than 1032:1 (RFC 1951 stored/copy limits). */
    private static final long ZLIB_MAX_RATIO = 1032;
    /** A zstd RLE block of 4 bytes expands to at most 128 KiB: 32768:1. */
    private static final long ZSTD_MAX_RATIO = 32768;
    /** Slack for the stream headers on tiny sections. */
    private static final long SLACK = 64;
    /** A ByteBuffer holds at most this much. */
    private static final long MAX_BUFFER = Integer.MAX_VALUE - 8;

    private Inflation() {
    }

    /**
     * The inflated contents of {@code section} (whose header says SHF_COMPRESSED), as a fresh
     * read-only buffer in {@code order}.
     *
     * @throws MalformedElfException (COMPRESSION) for an unknown ch_type, a ch_size that the
     *     stream cannot produce, or a stream that is corrupt or inflates to another size
     */
    static ByteBuffer inflate(String file, Section section, CompressionHeader chdr, ByteBuffer raw) {
        Location at = Location.ofSection(file, section.index(), section.name());
        ByteBuffer stream = raw.duplicate().position(chdr.headerSize()).slice();
        long ratio;
        if (chdr.type().equals(CompressionType.ELFCOMPRESS_ZLIB)) {
            ratio = ZLIB_MAX_RATIO;
        } else if (chdr.type().equals(CompressionType.ELFCOMPRESS_ZSTD)) {
            ratio = ZSTD_MAX_RATIO;
        } else {
            throw new MalformedElfException(at, ElfCheck.COMPRESSION, "unknown compression type ch_type "
                    + Integer.toUnsignedString(chdr.type().value()) + " (known: 1 ELFCOMPRESS_ZLIB, 2 ELFCOMPRESS_ZSTD)");
        }
        long size = chdr.size();
        long limit = Math.min(MAX_BUFFER, stream.remaining() * ratio + SLACK);
        if (Long.compareUnsigned(size, limit) > 0) {
            throw new MalformedElfException(at, ElfCheck.COMPRESSION, "ch_size 0x" + Long.toHexString(size)
                    + " is more than " + chdr.type() + " can inflate 0x" + Integer.toHexString(stream.remaining())
                    + " bytes to (at most 0x" + Long.toHexString(limit) + ")");
        }
        byte[] out = new byte[(int) size];
        if (chdr.type().equals(CompressionType.ELFCOMPRESS_ZLIB)) {
            zlib(at, stream, out);
        } else {
            zstd(at, stream, out);
        }
        return ByteBuffer.wrap(out).asReadOnlyBuffer().order(raw.order());
    }

    private static void zlib(Location at, ByteBuffer stream, byte[] out) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(stream);
            int n = 0;
            while (n < out.length && !inflater.finished()) {
                int got = inflater.inflate(out, n, out.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += got;
            }
            if (n < out.length || !inflater.finished()) {
                boolean more = n == out.length && inflater.inflate(new byte[1]) > 0;
                throw new MalformedElfException(at, ElfCheck.COMPRESSION, "zlib stream inflates to "
                        + (more ? "more than" : "0x" + Integer.toHexString(n) + " bytes, not") + " ch_size 0x"
                        + Integer.toHexString(out.length));
            }
        } catch (DataFormatException e) {
            throw new MalformedElfException(at, ElfCheck.COMPRESSION, "corrupt zlib stream: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    private static void zstd(Location at, ByteBuffer stream, byte[] out) {
        byte[] in = new byte[stream.remaining()];
        stream.duplicate().get(in);
        long n;
        try {
            n = Zstd.decompressByteArray(out, 0, out.length, in, 0, in.length);
        } catch (UnsatisfiedLinkError e) {
            throw new MalformedElfException(at, ElfCheck.COMPRESSION,
                    "zstd-jni's native library cannot be loaded on this platform: " + e.getMessage());
        } catch (com.github.luben.zstd.ZstdException e) {
            throw new MalformedElfException(at, ElfCheck.COMPRESSION, "corrupt zstd stream: " + e.getMessage());
        }
        if (Zstd.isError(n)) {
            throw new MalformedElfException(at, ElfCheck.COMPRESSION, "corrupt zstd stream: " + Zstd.getErrorName(n));
        }
        if (n != out.length) {
            throw new MalformedElfException(at, ElfCheck.COMPRESSION, "zstd stream inflates to 0x"
                    + Long.toHexString(n) + " bytes, not ch_size 0x" + Integer.toHexString(out.length));
        }
    }
}
