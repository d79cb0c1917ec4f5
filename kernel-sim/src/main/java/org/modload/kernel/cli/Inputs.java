package org.modload.kernel.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
     * @throws InputFileException when {@code path} is a directory
     * @throws MalformedElfException when the file is malformed or larger than one buffer (2 GiB)
     * @throws org.modload.kernel.diag.CompressedDataException when it is compressed and does not decompress
     */
    static ElfFile object(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new InputFileException(path + ": is a directory, not an ELF file");
        }
        String name = path.getFileName().toString();
        return ElfFile.parse(name, ModuleFiles.image(name, map(path, name)));
    }

    /**
     * The one line for an output file or directory that cannot be written: the option, the path
     * and why ({@code --out /x: exists and is not a directory}).
     */
    static InputFileException cannotWrite(String option, Path path, IOException e) {
        String why;
        if (e instanceof FileAlreadyExistsException) {
            why = "exists and is not a directory";
        } else if (e instanceof AccessDeniedException) {
            why = "permission denied";
        } else if (e instanceof NoSuchFileException) {
            why = "no such directory";
        } else if (e instanceof FileSystemException f && f.getReason() != null) {
            why = f.getReason();
        } else {
            why = String.valueOf(e.getMessage());
        }
        String file = e instanceof FileSystemException f && f.getFile() != null && !f.getFile().equals(path.toString())
                ? " (" + f.getFile() + ")" : "";
        return new InputFileException(option + " " + path + ": cannot write" + file + ": " + why);
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
