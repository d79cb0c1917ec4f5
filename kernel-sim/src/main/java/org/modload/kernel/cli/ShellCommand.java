package org.modload.kernel.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.modload.kernel.insmod.KillPoint;
import org.modload.kernel.model.Errno;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code modload shell}: one kernel across commands read from standard input (with a prompt
 * when standard input is a terminal), so a session can be scripted:
 * {@code insmod [--kill-at POINT] FILE}, {@code rmmod [-f] NAME}, {@code lsmod},
 * {@code modprobe [--kill-at POINT] NAME}, {@code cat /proc/modules}, {@code cat /proc/kallsyms},
 * {@code modinfo FILE}, the calls of the 2002 debate ({@code create_module NAME SIZE},
 * {@code try_module_get NAME}, {@code module_put NAME}, {@code exit-returns NAME VALUE}),
 * {@code help}, {@code exit}. Exit status 1 when any command failed.
 */
@Command(name = "shell", description = "Keep one kernel across commands read from standard input.")
final class ShellCommand implements Callable<Integer> {
    private static final String HELP = """
            commands: insmod [--kill-at POINT] FILE | rmmod [-f] NAME | lsmod | modprobe [--kill-at POINT] NAME
                      | cat /proc/modules | cat /proc/kallsyms | modinfo FILE | create_module NAME SIZE
                      | try_module_get NAME | module_put NAME | exit-returns NAME VALUE | help | exit
            POINT: a load phase (linux) or query_module, create_module, relocate (legacy-2.4), where insmod is killed
            VALUE: what NAME's simulated exit returns from now on, 0 or -ERRNO (obeyed under exit-may-fail)""";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ModuleCommands.Common common;

    @Option(names = "--echo", description = "Print each command after the prompt, as a terminal shows it (for transcripts).")
    boolean echo;

    private final InputStream in;
    private final boolean interactive;

    ShellCommand() {
        this(System.in, System.console() != null);
    }

    ShellCommand(InputStream in, boolean interactive) {
        this.in = in;
        this.interactive = interactive;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Session session = common.session(err);
        boolean failed = false;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        while (true) {
            if (interactive) {
                out.print("modload> ");
                out.flush();
            }
            String line = r.readLine();
            if (line == null) {
                break;
            }
            List<String> words = Arrays.stream(line.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
            if (words.isEmpty() || words.get(0).startsWith("#")) {
                continue;
            }
            if (echo) {
                out.println("modload> " + String.join(" ", words));
            }
            if (words.get(0).equals("exit") || words.get(0).equals("quit")) {
                break;
            }
            if (!execute(session, words, out, err)) {
                failed = true;
            }
            out.flush();
            err.flush();
        }
        return failed ? 1 : 0;
    }

    private boolean execute(Session s, List<String> w, PrintWriter out, PrintWriter err) throws IOException {
        String cmd = w.get(0);
        List<String> args = w.subList(1, w.size());
        switch (cmd) {
            case "insmod": {
                Optional<Killable> k = killable(s, args, err);
                if (k.isEmpty()) {
                    return false;
                }
                return k.get().rest().size() == 1 ? s.insmod(Path.of(k.get().rest().get(0)), k.get().kill(), err)
                        : usage(err, "insmod [--kill-at POINT] FILE");
            }
            case "rmmod": {
                boolean force = args.contains("-f") || args.contains("--force");
                List<String> names = args.stream().filter(a -> !a.startsWith("-")).toList();
                if (names.size() != 1) {
                    return usage(err, "rmmod [-f] NAME");
                }
                return s.rmmod(names.get(0), force, err);
            }
            case "lsmod":
                s.lsmod(out);
                return true;
            case "modprobe": {
                Optional<Killable> k = killable(s, args, err);
                if (k.isEmpty()) {
                    return false;
                }
                return k.get().rest().size() == 1 ? s.modprobe(k.get().rest().get(0), k.get().kill(), err)
                        : usage(err, "modprobe [--kill-at POINT] NAME");
            }
            case "create_module":
                if (args.size() != 2 || !args.get(1).matches("\\d{1,18}")) {
                    return usage(err, "create_module NAME SIZE");
                }
                return s.createModule(args.get(0), Long.parseLong(args.get(1)), out, err);
            case "try_module_get":
                return args.size() == 1 ? s.tryModuleGet(args.get(0), err) : usage(err, "try_module_get NAME");
            case "module_put":
                return args.size() == 1 ? s.modulePut(args.get(0), err) : usage(err, "module_put NAME");
            case "exit-returns": {
                Optional<Integer> value = args.size() == 2 ? exitValue(args.get(1)) : Optional.empty();
                if (value.isEmpty()) {
                    return usage(err, "exit-returns NAME VALUE (0 or -ERRNO, e.g. -EBUSY)");
                }
                s.exitReturns(args.get(0), value.get());
                return true;
            }
            case "cat":
                if (args.equals(List.of("/proc/modules"))) {
                    s.procModules(out);
                    return true;
                }
                if (args.equals(List.of("/proc/kallsyms"))) {
                    s.kallsyms(out);
                    return true;
                }
                return usage(err, "cat /proc/modules | cat /proc/kallsyms");
            case "modinfo": {
                if (args.size() != 1) {
                    return usage(err, "modinfo FILE");
                }
                return Main.run(new String[] {"modinfo", args.get(0)}, out, err) == 0;
            }
            case "help":
                out.println(HELP);
                return true;
            default:
                err.println("shell: unknown command '" + cmd + "'; try help");
                return false;
        }
    }

    /** The arguments of a command that takes {@code --kill-at POINT} first: the point, if any, and the rest. */
    private record Killable(Optional<KillPoint> kill, List<String> rest) {
    }

    /** Parses a leading {@code --kill-at POINT}; empty, said on {@code err}, when POINT is not one of the kernel's. */
    private static Optional<Killable> killable(Session s, List<String> args, PrintWriter err) {
        if (args.isEmpty() || !args.get(0).equals("--kill-at")) {
            return Optional.of(new Killable(Optional.empty(), args));
        }
        if (args.size() < 2) {
            usage(err, "--kill-at POINT");
            return Optional.empty();
        }
        try {
            KillPoint p = KillPoint.parse(s.kernel().parameters().loadPolicy(), args.get(1));
            return Optional.of(new Killable(Optional.of(p), args.subList(2, args.size())));
        } catch (IllegalArgumentException e) {
            err.println("shell: --kill-at: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** {@code 0}, {@code -16} or {@code -EBUSY}. */
    private static Optional<Integer> exitValue(String word) {
        if (word.matches("-?\\d{1,9}")) {
            return Optional.of(Integer.parseInt(word));
        }
        if (word.startsWith("-E")) {
            for (Errno e : Errno.values()) {
                if (e.name().equals(word.substring(1))) {
                    return Optional.of(-e.number());
                }
            }
        }
        return Optional.empty();
    }

    private static boolean usage(PrintWriter err, String usage) {
        err.println("usage: " + usage);
        return false;
    }
}
