package org.modload.kernel.depmod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.modload.loader.testing.ExternalTools;

/**
 * kmod's depmod as an oracle. It usually lives in {@code /sbin} or {@code /usr/sbin}, which are
 * often not on a user's PATH, so those are searched too. The oracle invocation is
 * {@code depmod -n [-e -E SYMVERS] -b ROOT VERSION}: with {@code -n} depmod writes its files to
 * standard output instead of {@code ROOT/lib/modules/VERSION}, modules.dep first and the others
 * after it, each of those starting with a {@code #} comment line.
 */
final class KmodDepmod {
    private KmodDepmod() {
    }

    /** What one depmod run printed. */
    record Run(int status, String stdout, String stderr) {

        /** The modules.dep section of {@code -n} output: every line before the first {@code #} line. */
        List<String> modulesDep() {
            List<String> out = new ArrayList<>();
            for (String line : stdout.split("\n", -1)) {
                if (line.startsWith("#")) {
                    return out;
                }
                out.add(line);
            }
            throw new AssertionError("depmod -n printed no '#' line after modules.dep:\n" + stdout);
        }
    }

    /** The depmod executable; fails (CI) or skips the test when kmod is not installed. */
    static Path executable() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")));
        dirs.addAll(List.of("/sbin", "/usr/sbin"));
        for (String dir : dirs) {
            Path p = Path.of(dir, "depmod");
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return p;
            }
        }
        return ExternalTools.require("depmod", "kmod");
    }

    /** {@code depmod -n -b ROOT VERSION}: kmod's modules.dep for {@code ROOT/lib/modules/VERSION}. */
    static List<String> modulesDep(Path root, String version) {
        Run r = run(root, version, List.of());
        if (r.status() != 0) {
            throw new AssertionError("depmod exited " + r.status() + ": " + r.stderr());
        }
        return r.modulesDep();
    }

    /** Runs {@code depmod -n [extra...] -b ROOT VERSION}, whatever its exit status. */
    static Run run(Path root, String version, List<String> extra) {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable().toString());
        cmd.add("-n");
        cmd.addAll(extra);
        cmd.addAll(List.of("-b", root.toAbsolutePath().toString(), version));
        try {
            Path out = Files.createTempFile("depmod", ".out");
            Path err = Files.createTempFile("depmod", ".err");
            try {
                Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new AssertionError("timed out: " + cmd);
                }
                return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + cmd, e);
        }
    }
}
