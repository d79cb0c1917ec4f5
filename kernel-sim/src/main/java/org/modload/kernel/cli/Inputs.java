package org.modload.kernel.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.modload.loader.elf.ElfFile;

/** Reads input files for commands. */
final class Inputs {
    private Inputs() {
    }

    /** Parses {@code path} as a relocatable object named by its file name in messages. */
    static ElfFile object(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        return ElfFile.parse(path.getFileName().toString(), ByteBuffer.wrap(bytes));
    }
}
