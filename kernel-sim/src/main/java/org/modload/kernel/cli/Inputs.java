package org.modload.kernel.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.modload.kernel.compress.ModuleFiles;
import org.modload.loader.diag.ElfCheck;
import org.modload.loader.diag.Location;
import org.modload.loader.diag.MalformedElfException;
import org.modload.loader.elf.ElfFile;

/** Reads input files for commands. */
final class Inputs {
    private Inputs() {
    }

    /**
     * Parses {@code path} as an ELF file named by its file name in messages. The file is mapped
     * read-only, not read into the heap: a 100 MB shared library costs its page cache, not a copy.
     * A gzip-, xz- or zstd-compressed file (a {@code .ko.xz} module, by content) is decompressed
     * first, as every module reader does ({@link ModuleFiles}).
     *
     * @throws MalformedElfException when the file is malformed or larger than one buffer (2 GiB)
     * @throws org.modload.kernel.diag.CompressedDataException when it is compressed and does not decompress
     */
    static ElfFile object(Path path) throws IOException {
        String name = path.getFileName().toString();
        return ElfFile.parse(name, ModuleFiles.image(name, map(path, name)));
    }

    private static ByteBuffer map(Path path, String name) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new MalformedElfException(Location.ofFile(name), ElfCheck.FILE_SIZE, "file size 0x"
                        + Long.toHexString(size) + " exceeds the 0x7fffffff bytes one buffer can hold");
            }
            // The mapping stays valid after the channel is closed.
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
    }
}
