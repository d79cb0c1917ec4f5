package org.modload.loader.testing.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The loader of the execution oracle ({@code runimage.c}, built at test time): one
 * {@link Session} per run, since the symbols it resolves and the regions it reserves belong to
 * its process (ASLR stays on) and the image runs in that same process.
 *
 * <p>The protocol is documented in {@code runimage.c}: commands on standard input, one answer
 * line each on standard output, then the marker line {@value #MARKER} after which standard output
 * is the program's own. A loader error is one {@code runimage: } line on standard error and exit
 * status {@value #LOADER_ERROR}, before the marker.
 */
public final class RunImage {
    /** The line after which runimage's standard output is the program's. */
    public static final String MARKER = "--- program output ---";
    /** How long an image may run: the programs take milliseconds; a broken image may loop. */
    public static final java.time.Duration RUN_TIMEOUT = java.time.Duration.ofSeconds(20);
    /** runimage's exit status for its own errors. */
    public static final int LOADER_ERROR = 126;

    private final Path binary;
    private final Abi abi;

    private RunImage(Path binary, Abi abi) {
        this.binary = binary;
        this.abi = abi;
    }

    /** Builds runimage with {@code gcc} into {@code dir}. */
    public static RunImage build(Gcc gcc, Path dir) {
        return new RunImage(gcc.runImage(dir), gcc.abi());
    }

    public Abi abi() {
        return abi;
    }

    /** Starts a runimage process. */
    public Session start(Path dir) {
        try {
            Process p = new ProcessBuilder(binary.toString()).directory(dir.toFile()).start();
            return new Session(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
    }

    /**
     * How a run ended.
     *
     * @param started whether runimage reached the marker, i.e. mapped the image and called its entry
     * @param output what followed the marker and the exit status; when not started, the loader's
     *     error line is {@code output.stderr()}
     */
    public record Execution(boolean started, ProgramOutput output) {
        /** Why the run did not start, or null. */
        public String loaderError() {
            return started ? null : "runimage exited " + output.status() + ": " + output.stderr().strip();
        }
    }

    /** One runimage process: resolve, reserve, then one run. Not thread-safe. */
    public static final class Session implements AutoCloseable {
        private final Process process;
        private final OutputStream commands;
        private final InputStream answers;
        private final CompletableFuture<byte[]> stderr;
        private boolean ran;

        private Session(Process process) {
            this.process = process;
            this.commands = process.getOutputStream();
            this.answers = process.getInputStream();
            this.stderr = Command.drain(process.getErrorStream());
        }

        /**
         * Resolves every name with {@code dlsym(RTLD_DEFAULT)} in runimage's process.
         *
         * @return each name's address, empty when nothing in the process defines it
         */
        public Map<String, OptionalLong> resolve(Collection<String> names) {
            Map<String, OptionalLong> out = new LinkedHashMap<>();
            for (String name : names) {
                send("sym " + name);
                String[] a = answer().split(" ");
                if (a.length != 3 || !a[0].equals("sym") || !a[1].equals(name)) {
                    throw protocol("sym " + name, String.join(" ", a));
                }
                out.put(name, a[2].equals("absent") ? OptionalLong.empty() : OptionalLong.of(hex(a[2])));
            }
            return out;
        }

        /** The regions runimage reserved, in its order. */
        public List<ReservedRegion> regions() {
            send("regions");
            List<ReservedRegion> out = new ArrayList<>();
            for (String line = answer(); !line.equals("end"); line = answer()) {
                String[] a = line.split(" ");
                if (a.length != 4 || !a[0].equals("region")) {
                    throw protocol("regions", line);
                }
                out.add(new ReservedRegion(a[1], hex(a[2]), hex(a[3])));
            }
            return List.copyOf(out);
        }

        /**
         * Writes {@code image} into {@code dir} (a manifest and one file per piece), asks
         * runimage to map and run it, and waits for the process to end.
         */
        public Execution run(LinkedImage image, Path dir) {
            writeImage(image, dir);
            ran = true;
            send("run " + dir.toAbsolutePath());
            boolean started = false;
            try {
                for (String line = readLine(); line != null; line = readLine()) {
                    if (line.equals(MARKER)) {
                        started = true;
                        break;
                    }
                    throw protocol("run", line);
                }
                commands.close(); // the program sees end of file on its standard input
            } catch (IOException e) {
                // runimage may have exited already; its status and standard error tell why.
            }
            CompletableFuture<byte[]> rest = Command.drain(answers);
            int status = waitFor();
            return new Execution(started, new ProgramOutput(Command.text(rest.join()), Command.text(stderr.join()),
                    status));
        }

        /** Ends the process: asks it to quit when no image ran, and kills it if it does not end in time. */
        @Override
        public void close() {
            if (!ran && process.isAlive()) {
                try {
                    commands.write("quit\n".getBytes(StandardCharsets.UTF_8));
                    commands.close();
                } catch (IOException e) {
                    // Already gone.
                }
            }
            waitFor();
        }

        private int waitFor() {
            try {
                if (!process.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor();
                    return -1;
                }
                return process.exitValue();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        private void send(String command) {
            try {
                commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
                commands.flush();
            } catch (IOException e) {
                throw loaderDied(command);
            }
        }

        private String answer() {
            try {
                String line = readLine();
                if (line == null) {
                    throw loaderDied("an answer");
                }
                return line;
            } catch (IOException e) {
                throw loaderDied("an answer");
            }
        }

        /** One line, read byte by byte so that nothing after it is consumed. */
        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int c = answers.read(); c != '\n'; c = answers.read()) {
                if (c < 0) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                }
                line.write(c);
            }
            return line.toString(StandardCharsets.UTF_8);
        }

        private IllegalStateException loaderDied(String waitingFor) {
            process.destroyForcibly();
            return new IllegalStateException("runimage ended while waiting for " + waitingFor + ": "
                    + Command.text(stderr.join()).strip());
        }

        private IllegalStateException protocol(String command, String line) {
            process.destroyForcibly();
            return new IllegalStateException("runimage answered '" + line + "' to '" + command + "'");
        }

        private static long hex(String s) {
            if (!s.startsWith("0x")) {
                throw new IllegalStateException("not a hexadecimal address: " + s);
            }
            return Long.parseUnsignedLong(s.substring(2), 16);
        }
    }

    /** The manifest runimage reads: {@code entry 0xADDR}, then {@code piece 0xADDR 0xSIZE PROT FILE} each. */
    static void writeImage(LinkedImage image, Path dir) {
        try {
            Files.createDirectories(dir);
            StringBuilder manifest = new StringBuilder(String.format("entry 0x%x%n", image.entry()));
            int i = 0;
            for (LinkedImage.Piece p : image.pieces()) {
                String file = "piece" + i++ + ".bin";
                Files.write(dir.resolve(file), p.bytes());
                manifest.append(String.format("piece 0x%x 0x%x %s %s%n", p.address(), p.size(),
                        p.protection().letters(), file));
            }
            Files.writeString(dir.resolve("image.txt"), manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
