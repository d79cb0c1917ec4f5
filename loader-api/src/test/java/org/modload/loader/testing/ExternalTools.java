package org.modload.loader.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds and runs the external tools tests use as oracles (binutils, kmod). When
 * {@link #required()} (CI) a missing tool fails the test; otherwise the test is skipped with a
 * message saying what to install.
 */
public final class ExternalTools {
    private ExternalTools() {
    }

    /**
     * Whether missing tools must fail tests rather than skip them: true under {@code .ci/run},
     * which exports {@code MODLOAD_REQUIRE_TOOLS=1}, or with {@code -Dmodload.requireTools=true}.
     */
    public static boolean required() {
        return Boolean.getBoolean("modload.requireTools") || "1".equals(System.getenv("MODLOAD_REQUIRE_TOOLS"));
    }

    /**
     * The path of {@code tool} on PATH; fails (CI) or skips (developer machine) when absent.
     *
     * @param debianPackage the package that provides it, for the message
     */
    public static Path require(String tool, String debianPackage) {
        // kmod's tools live in sbin, which is not on every user's PATH.
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String msg = tool + " is not installed: apt-get install " + debianPackage;
        if (required()) {
            Assertions.fail(msg + " (required: MODLOAD_REQUIRE_TOOLS=1)");
        }
        Assumptions.abort(msg);
        return null;
    }

    /** The directory of the Debian corpus ({@code .ci/fetch-debian-kernel.sh}); fails or skips when absent. */
    public static Path corpus(String flavour) {
        String root = System.getProperty("modload.corpus", "");
        Path dir = root.isEmpty() ? null : Path.of(root, flavour);
        if (dir == null || !Files.isRegularFile(dir.resolve(".complete"))) {
            String msg = "Debian " + flavour + " kernel corpus not found under modload.corpus='" + root
                    + "': run .ci/fetch-debian-kernel.sh " + flavour + " DIR and pass -Dmodload.corpus=DIR";
            if (required()) {
                Assertions.fail(msg);
            }
            Assumptions.abort(msg);
        }
        return dir;
    }

    /**
     * Every {@code .ko} of a corpus flavour directory (as {@link #corpus} returns it) under
     * {@code root/lib/modules/VERSION/kernel}, sorted by path.
     */
    public static List<Path> corpusModules(Path corpus) {
        List<Path> all = new ArrayList<>();
        try (java.util.stream.Stream<Path> versions = Files.list(corpus.resolve("root/lib/modules"))) {
            for (Path kernel : versions.map(v -> v.resolve("kernel")).filter(Files::isDirectory).toList()) {
                try (java.util.stream.Stream<Path> files = Files.walk(kernel)) {
                    files.filter(f -> f.getFileName().toString().endsWith(".ko") && Files.isRegularFile(f))
                            .forEach(all::add);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        all.sort(null);
        return all;
    }

    /** Runs a command, returns its standard output; fails the test on a non-zero exit. */
    public static String run(List<String> command) {
        return run(command, null);
    }

    /** Runs a command in {@code dir}, returns its standard output; fails the test on a non-zero exit. */
    public static String run(List<String> command, Path dir) {
        try {
            Path errFile = Files.createTempFile("modload-tool", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command))
                        .redirectError(errFile.toFile());
                if (dir != null) {
                    pb.directory(dir.toFile());
                }
                Process p = pb.start();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    Assertions.fail("timed out: " + command);
                }
                if (p.exitValue() != 0) {
                    Assertions.fail(command + " exited " + p.exitValue() + ": " + Files.readString(errFile));
                }
                return new String(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(errFile);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }
}
