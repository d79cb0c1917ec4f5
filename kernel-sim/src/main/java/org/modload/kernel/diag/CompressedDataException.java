package org.modload.kernel.diag;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.modload.loader.diag.Location;

/**
 * A compressed input (a {@code .ko.xz}, {@code .ko.zst} or {@code .ko.gz} module, or a kernel
 * image's payload) could not be decompressed: the stream is corrupt, truncated, asks for more
 * memory than allowed, decompresses to more than allowed, or uses a compression the reader does
 * not take. Carries the file, the compression's name ({@link #format()}, as its tool calls it:
 * {@code xz}, {@code zstd}, {@code gzip}...), where ({@link #location()}: the offset of the
 * compressed byte the decoder had reached, when known) and what ({@link #detail()}), and builds
 * its one-line message once: {@code af_key.ko.xz: xz data: corrupt near byte 0x40: Compressed data is corrupt}.
 * The kernel image reader reports it as a {@link KernelImageException} of its payload, this
 * exception as its cause.
 */
public final class CompressedDataException extends KernelInputException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final String format;

    private CompressedDataException(String file, String format, OptionalLong offset, String detail, Throwable cause) {
        super(new Location(file, OptionalInt.empty(), "", offset), detail, file + ": " + format + " data: " + detail,
                cause);
        this.file = file;
        this.format = format;
    }

    /**
     * A problem with the compressed data of {@code file}.
     *
     * @param format the compression's name, e.g. {@code xz}
     * @param offset how far into the compressed data the decoder had read, or empty when not known
     * @param detail what is wrong, without the file and format
     * @param cause the decoder's own exception, or null
     */
    public static CompressedDataException of(String file, String format, OptionalLong offset, String detail,
            Throwable cause) {
        return new CompressedDataException(Objects.requireNonNull(file, "file"), Objects.requireNonNull(format, "format"),
                offset, Objects.requireNonNull(detail, "detail"), cause);
    }

    /** The display name of the compressed file. */
    public String file() {
        return file;
    }

    /** The compression's name as its tool calls it: {@code gzip}, {@code bzip2}, {@code lzma}, {@code xz}, {@code lzop}, {@code lz4}, {@code zstd}. */
    public String format() {
        return format;
    }

    /** How far into the compressed data the decoder had read when it failed, if known. */
    public OptionalLong offset() {
        return location().offset();
    }
}
