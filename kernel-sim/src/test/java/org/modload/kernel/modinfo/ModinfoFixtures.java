package org.modload.kernel.modinfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.modload.loader.testing.ExternalTools;

/**
 * The modules the modinfo tests read, and kmod's {@code modinfo} as their oracle. Fixtures are
 * copied out of the class path into a directory under their own names, because kmod reads files
 * and prints their paths.
 */
public final class ModinfoFixtures {
    /** A signed x86_64 module from Debian (see README.md beside it). */
    public static final String AMD64_SIGNED = "/org/modload/kernel/modinfo/hangcheck-timer.ko";
    /** A signed i386 module from Debian (see README.md beside it). */
    public static final String I686_SIGNED = "/org/modload/kernel/modinfo/efi-pstore.ko";
    /** An unsigned i386 sample module built by kernel-sim/src/main/samples/build.sh. */
    public static final String UNSIGNED = "/org/modload/kernel/samples/i386/demo_user.ko";

    /** kmod installs modinfo in sbin, which is not always on a user's PATH. */
    private static final List<Path> SBIN = List.of(Path.of("/usr/sbin/modinfo"), Path.of("/sbin/modinfo"));

    private ModinfoFixtures() {
    }

    /** The path of kmod's modinfo; fails (CI) or skips the test when it is not installed. */
    public static Path modinfo() {
        for (Path p : SBIN) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return ExternalTools.require("modinfo", "kmod");
    }

    /** What {@code modinfo ARGS...} prints, run in {@code dir} (null: the current directory). */
    public static String kmod(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(modinfo().toString());
        command.addAll(List.of(args));
        return ExternalTools.run(command, dir);
    }

    /** Copies the class-path resource {@code resource} into {@code dir} under its own file name. */
    public static Path copy(String resource, Path dir) {
        Path target = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
        try {
            Files.write(target, bytes(resource));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** The bytes of the class-path resource {@code resource}. */
    public static byte[] bytes(String resource) {
        try (InputStream in = ModinfoFixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
