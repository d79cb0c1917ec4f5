package org.modload.kernel.compress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.modload.kernel.diag.CompressedDataException;

/**
 * The one place module files are read: every reader of a module ({@code modinfo}, {@code insmod},
 * {@code modprobe}, {@code load-tree}, {@code depmod}, the shell, {@code elf}, {@code link}) gets
 * the module image from here. A file whose first bytes are a gzip, xz or zstd magic is
 * decompressed, whatever its name, as kmod decides by content (and as the kernel's
 * {@code module_decompress} does for {@code finit_module(MODULE_INIT_COMPRESSED_FILE)}); any
 * other file is the image itself, mapped read-only rather than copied. The result is what
 * {@code init_module} is given: the ELF object with its appended signature, if any, which every
 * later check (signature, ELF validity, {@code .modinfo}...) reads as usual.
 */
public final class ModuleFiles {

    /** The file name endings kmod's depmod and modprobe treat as modules (libkmod's {@code kmod_exts}). */
    public static final List<String> SUFFIXES = List.of(".ko", ".ko.gz", ".ko.xz", ".ko.zst");

    /** Larger than any module: a stream that decompresses to more is refused before it exhausts the heap. */
    public static final int MAX_IMAGE = 1 << 30;

    private static final Decompressor.Limit LIMIT = new Decompressor.Limit(MAX_IMAGE, "a module may decompress to");

    private ModuleFiles() {
    }

    /**
     * Reads a module file: decompressed when it is compressed, else mapped read-only. Messages
     * name it by its file name.
     *
     * @return the module image, position 0: a {@link java.nio.MappedByteBuffer} of the file when it
     *     is not compressed (the mapping stays valid after the file is closed), else a heap buffer
     * @throws IOException if the file cannot be read or is larger than one buffer (2 GiB)
     * @throws CompressedDataException if it is compressed and does not decompress, or
     *     decompresses to more than {@link #MAX_IMAGE} bytes
     */
    public static ByteBuffer read(Path file) throws IOException {
        Path name = file.getFileName();
        return read(file, name == null ? file.toString() : name.toString());
    }

    /**
     * As {@link #read(Path)}, messages naming the file {@code name} (a path relative to its tree, say).
     *
     * @throws IOException if the file cannot be read or is larger than one buffer (2 GiB)
     * @throws CompressedDataException as {@link #read(Path)}
     */
    public static ByteBuffer read(Path file, String name) throws IOException {
        return image(name, map(file));
    }

    /**
     * The module image of a file's contents held in memory: {@code contents} itself when it is
     * not compressed, else its decompressed bytes.
     *
     * @param file the name messages give the file
     * @param contents the whole file, position to limit; neither it nor its position is changed
     * @throws CompressedDataException as {@link #read}
     */
    public static ByteBuffer image(String file, ByteBuffer contents) {
        Objects.requireNonNull(file, "file");
        Optional<Compression> c = compression(contents);
        if (c.isEmpty()) {
            return contents;
        }
        return Decompressor.decompress(file, c.get(), contents, 0, LIMIT);
    }

    /**
     * The compression a module file's contents use, by magic: gzip, xz or zstd, or empty for an
     * uncompressed file (or one whose first bytes are no module compression's).
     *
     * @param contents read from its position; not changed
     */
    public static Optional<Compression> compression(ByteBuffer contents) {
        return Compression.of(contents).filter(Compression.forModules()::contains);
    }

    /** Whether kmod would take a file of this name for a module: it ends with one of {@link #SUFFIXES}. */
    public static boolean isModuleFileName(String name) {
        for (String s : SUFFIXES) {
            if (name.endsWith(s)) {
                return true;
            }
        }
        return false;
    }

    /** The file mapped read-only; one larger than a buffer holds is no module. */
    private static ByteBuffer map(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException(p + ": file size 0x" + Long.toHexString(size)
                        + " exceeds the 0x7fffffff bytes one buffer can hold");
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
    }
}
