package org.modload.kernel.depmod;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.modload.kernel.compress.ModuleFiles;

/**
 * kmod 30's {@code depfile_up_to_date} ({@code depmod -A}): {@code modules.dep} is up to date when
 * no module file under the module directory (symbolic links followed, {@code build} and
 * {@code source} skipped) has a modification time, in whole seconds, after its own.
 */
public final class DepfileAge {
    private static final List<String> SKIPPED = List.of("build", "source");

    private DepfileAge() {
    }

    /**
     * Whether {@code dir/modules.dep} is at least as new as every module.
     *
     * @param messages receives kmod's error line when {@code modules.dep} is missing
     *     (the run then goes on and writes the files)
     */
    public static boolean upToDate(Path dir, String dirname, List<String> messages) throws IOException {
        long depTime;
        try {
            depTime = seconds(Files.readAttributes(dir.resolve("modules.dep"), BasicFileAttributes.class));
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(dir)) {
                messages.add("ERROR: could not open directory " + dirname + ": No such file or directory");
            } else {
                messages.add("ERROR: could not fstatat(" + dirname + ", modules.dep): No such file or directory");
            }
            return false;
        }
        return upToDate(dir, depTime);
    }

    private static boolean upToDate(Path dir, long depTime) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (SKIPPED.contains(name)) {
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class);
                } catch (IOException e) {
                    continue; // kmod reports the fstatat failure and goes on
                }
                if (a.isDirectory()) {
                    if (!upToDate(p, depTime)) {
                        return false;
                    }
                } else if (a.isRegularFile() && ModuleFiles.isModuleFileName(name) && seconds(a) > depTime) {
                    return false;
                }
            }
        }
        return true;
    }

    private static long seconds(BasicFileAttributes a) {
        return a.lastModifiedTime().to(TimeUnit.SECONDS);
    }
}
