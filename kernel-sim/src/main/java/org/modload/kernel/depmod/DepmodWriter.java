package org.modload.kernel.depmod;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts depmod's files into the module directory as kmod does: each is written to a new file
 * {@code NAME.PID.USEC.SEC} (created exclusively, mode 0644 less the umask) and renamed over
 * {@code NAME}. Unlike kmod, which renames each file as soon as it is written, every file is
 * written before the first rename, and a target that cannot be replaced (a directory of that
 * name) is found before the first rename too, so that such a failure (a full disk, a read-only
 * directory, a directory in the way) leaves every old file in place and no temporary file
 * behind.
 */
public final class DepmodWriter {
    private DepmodWriter() {
    }

    /**
     * Writes {@code files} into {@code dir}.
     *
     * @throws IOException if a file cannot be written or renamed; the temporary files are removed
     */
    public static void write(Path dir, List<DepmodFiles.File> files) throws IOException {
        long micros = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
        String suffix = "." + ProcessHandle.current().pid() + "." + (micros % 1_000_000) + "." + (micros / 1_000_000);
        for (DepmodFiles.File f : files) {
            if (Files.isDirectory(dir.resolve(f.name()))) {
                throw new FileSystemException(dir.resolve(f.name()).toString(), null, "Is a directory");
            }
        }
        List<Path> temporary = new ArrayList<>();
        boolean done = false;
        try {
            for (DepmodFiles.File f : files) {
                Path tmp = dir.resolve(f.name() + suffix);
                create(tmp);
                temporary.add(tmp);
                Files.write(tmp, f.bytes(), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            }
            for (int i = 0; i < files.size(); i++) {
                Files.move(temporary.get(i), dir.resolve(files.get(i).name()), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                for (Path tmp : temporary) {
                    Files.deleteIfExists(tmp);
                }
            }
        }
    }

    private static void create(Path tmp) throws IOException {
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(tmp.toString(), null, "a temporary file of this name exists");
        }
    }
}
