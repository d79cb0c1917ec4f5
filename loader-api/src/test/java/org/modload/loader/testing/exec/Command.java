package org.modload.loader.testing.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external command to completion and keeps what it printed and how it ended, without
 * judging the exit status: the execution oracle compares statuses, so a non-zero one is data.
 *
 * @param stdout standard output, decoded as UTF-8
 * @param stderr standard error, decoded as UTF-8
 * @param status the exit status; 128 + N when killed by signal N, as a shell reports it
 * @param timedOut whether the command was killed for running longer than allowed
 */
public record Command(String stdout, String stderr, int status, boolean timedOut) {

    /** How long any one command of the harness may run; the programs finish in milliseconds. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * Runs {@code command} in {@code dir} with {@code stdin} as its standard input.
     *
     * @throws UncheckedIOException when the command cannot be started
     */
    public static Command run(List<String> command, Path dir, byte[] stdin) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
            return finish(p, stdin);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
    }

    /** Runs {@code command} in {@code dir} with empty standard input. */
    public static Command run(List<String> command, Path dir) {
        return run(command, dir, new byte[0]);
    }

    /** Whether the command exited 0 in time. */
    public boolean ok() {
        return status == 0 && !timedOut;
    }

    /** The command line and what it said, for an assertion message. */
    public String describe(List<String> command) {
        return String.join(" ", command) + (timedOut ? " timed out" : " exited " + status) + ": "
                + (stderr.isBlank() ? stdout : stderr).strip();
    }

    private static Command finish(Process p, byte[] stdin) throws IOException {
        // Both streams are drained concurrently so that neither pipe can fill and stall the child.
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException e) {
            // The child may exit without reading its input; its status tells what happened.
        }
        boolean timedOut = false;
        try {
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                timedOut = true;
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return new Command(text(out.join()), text(err.join()), p.exitValue(), timedOut);
    }

    /**
     * Reads {@code s} to its end on a thread of its own (not a shared pool, whose few threads
     * blocking on pipes could starve each other).
     */
    static CompletableFuture<byte[]> drain(InputStream s) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (s) {
                result.complete(s.readAllBytes());
            } catch (IOException e) {
                result.completeExceptionally(new UncheckedIOException(e));
            }
        }, "modload-exec-drain");
        t.setDaemon(true);
        t.start();
        return result;
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
