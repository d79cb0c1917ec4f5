package org.modload.kernel.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * One in-process run of the command line ({@link Main#run}): its exit status and what it printed
 * on standard output and standard error. The one runner of the command-line tests.
 */
record CliRun(int status, String out, String err) {

    /** Runs {@code args} with nothing on standard input. */
    static CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(status, out.toString(), err.toString());
    }

    /** Runs {@code args} with {@code input} on standard input. */
    static CliRun withInput(String input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true),
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        return new CliRun(status, out.toString(), err.toString());
    }
}
