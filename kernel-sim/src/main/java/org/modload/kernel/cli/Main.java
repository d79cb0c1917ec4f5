package org.modload.kernel.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code modload} command line. Exit status: 0 success, 1 a load or input error (one
 * located line on standard error, never a stack trace), 2 a usage error.
 */
@Command(name = "modload", mixinStandardHelpOptions = true, version = "modload 0.1.0",
        description = "ELF relocation engine and simulated Linux kernel module loader.",
        subcommands = {ArchsCommand.class, ElfCommand.class, LinkCommand.class, DemoCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(args, out, err));
    }

    /** Runs one command line with the given streams; returns the exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new Failures());
        int status = cl.execute(args);
        out.flush();
        err.flush();
        return status;
    }
}
