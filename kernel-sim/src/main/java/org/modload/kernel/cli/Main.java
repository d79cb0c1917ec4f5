package org.modload.kernel.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code modload} command line, the one place that discovers architecture plugins. Exit
 * status: 0 success, 1 a load or input error (one located line on standard error; a stack
 * trace only with {@code --debug}) or a heap too small for the run (one line), 2 a usage error.
 */
@Command(name = "modload", mixinStandardHelpOptions = true, version = "modload 0.1.0",
        description = "ELF relocation engine and simulated Linux kernel module loader.",
        subcommands = {ArchsCommand.class, ElfCommand.class, LinkCommand.class, DemoCommand.class, ModinfoCommand.class, DepmodCommand.class,
                ModuleCommands.Insmod.class, ModuleCommands.Rmmod.class, ModuleCommands.Lsmod.class,
                ModuleCommands.Modprobe.class, LoadTreeCommand.class, BenchTreeCommand.class, ShellCommand.class, VerifyCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Set on any subcommand too; read by {@link Failures}. */
    @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "On a failure, also print the stack trace.")
    boolean debug;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        // UTF-8 whatever the locale: module strings (authors, descriptions) are UTF-8 bytes.
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8), true);
        System.exit(run(args, out, err));
    }

    /** Runs one command line with the given streams; returns the exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Main main = new Main();
        return run(args, out, err, main, new CommandLine(main));
    }

    /** As {@link #run(String[], PrintWriter, PrintWriter)}, the shell reading {@code in} (never a terminal). */
    static int run(String[] args, PrintWriter out, PrintWriter err, java.io.InputStream in) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                return cls == ShellCommand.class ? cls.cast(new ShellCommand(in, false)) : defaults.create(cls);
            }
        };
        Main main = new Main();
        return run(args, out, err, main, new CommandLine(main, factory));
    }

    private static int run(String[] args, PrintWriter out, PrintWriter err, Main main, CommandLine cl) {
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new Failures(() -> main.debug));
        int status;
        try {
            status = cl.execute(args);
        } catch (OutOfMemoryError e) {
            // The one Error caught, and only here: the run is over and its objects unreachable, so
            // one line can be printed; the heap bound is the user's to raise.
            err.println("modload: out of memory (" + e.getMessage() + ") with a " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB heap: run java with a larger -Xmx");
            if (main.debug) {
                e.printStackTrace(err);
            }
            status = 1;
        }
        out.flush();
        err.flush();
        return status;
    }
}
