package org.modload.kernel.realkernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.modload.loader.testing.ExternalTools;

/**
 * Boots the real kernel of a corpus flavour with {@code src/test/realkernel/boot.sh} on a load
 * list, or reuses the capture of an earlier boot of the same list, the same module files and the
 * same scripts (kept under the corpus directory, keyed by a hash of the three).
 */
final class Guest {
    /** The scripts a capture depends on. */
    static final Path SCRIPTS = Path.of("src/test/realkernel");

    private Guest() {
    }

    /** The tools boot.sh needs; each fails (CI) or skips (developer machine) when missing. */
    static void requireTools(String flavour) {
        ExternalTools.require(flavour.equals("686") ? "qemu-system-i386" : "qemu-system-x86_64", "qemu-system-x86");
        ExternalTools.require("cpio", "cpio");
        ExternalTools.require("gcc", "gcc gcc-multilib");
        ExternalTools.require("busybox", "busybox-static");
        ExternalTools.require("timeout", "coreutils");
    }

    /**
     * The capture of {@code selection} booted on {@code flavour}'s kernel, booting when no
     * earlier capture of the same list and scripts exists.
     *
     * @param corpusRoot the directory holding the flavours ({@code -Dmodload.corpus})
     * @return the capture's directory
     */
    static Path capture(String flavour, Path corpusRoot, GuestSelection selection) {
        try {
            String list = selection.listing();
            StringBuilder contents = new StringBuilder();
            selection.order().forEach(m -> contents.append(hashBytes(m.bytes().array())).append('\n'));
            String key = hash(flavour + "\n" + list + contents + scripts());
            Path dir = corpusRoot.resolve("realkernel").resolve(flavour + "-" + key.substring(0, 16));
            if (Capture.complete(dir)) {
                return dir;
            }
            Files.createDirectories(dir);
            Path modules = dir.resolve("modules.list");
            Path needed = dir.resolve("needed.list");
            Files.writeString(modules, list);
            Files.writeString(needed, selection.needed());
            run(List.of("bash", SCRIPTS.resolve("boot.sh").toString(), flavour, corpusRoot.toString(),
                    modules.toString(), needed.toString(), dir.toString()), dir.resolve("boot.log"));
            if (!Capture.complete(dir)) {
                throw new AssertionError("the guest did not finish: " + dir.resolve("console.txt"));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String scripts() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String f : List.of("boot.sh", "init", "kcoredump.c")) {
            sb.append(Files.readString(SCRIPTS.resolve(f)));
        }
        return sb.toString();
    }

    private static void run(List<String> command, Path log) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(40, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("boot.sh did not end: " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new AssertionError("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("boot.sh failed (exit " + p.exitValue() + "): " + Files.readString(log));
        }
    }

    static String hash(String s) {
        return hashBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    static String hashBytes(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
