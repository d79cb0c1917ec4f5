package org.modload.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.modload.loader.testing.ExternalTools;

/**
 * kmod's tools as oracles, and modload's same command beside them. kmod installs them in
 * {@code /sbin} or {@code /usr/sbin}, often not on a user's PATH, so those are searched too; a
 * missing tool fails the test in CI ({@code MODLOAD_REQUIRE_TOOLS=1}) and skips it otherwise.
 */
public final class KmodTools {
    private KmodTools() {
    }

    /** What one command printed and how it ended. */
    public record Run(int status, String out, String err) {
    }

    /** The tool's path; fails (CI) or skips the test when kmod is not installed. */
    public static Path tool(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")));
        dirs.addAll(List.of("/sbin", "/usr/sbin"));
        for (String dir : dirs) {
            Path p = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return p;
            }
        }
        return ExternalTools.require(name, "kmod");
    }

    /** Runs kmod's {@code name} with {@code args}, whatever its exit status. */
    public static Run kmod(String name, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool(name).toString());
        cmd.addAll(args);
        try {
            Path out = Files.createTempFile("kmod", ".out");
            Path err = Files.createTempFile("kmod", ".err");
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

    /** Runs {@code modload name args...} in this process. */
    public static Run modload(String name, List<String> args) {
        List<String> all = new ArrayList<>();
        all.add(name);
        all.addAll(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(status, out.toString(), err.toString());
    }
}
