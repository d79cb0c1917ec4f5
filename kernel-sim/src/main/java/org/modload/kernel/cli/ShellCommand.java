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

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code modload shell}: one kernel across commands read from standard input (with a prompt
 * when standard input is a terminal), so a session can be scripted:
 * {@code insmod [--kill-at POINT] FILE}, {@code rmmod [-f] NAME}, {@code lsmod},
 * {@code modprobe [--kill-at POINT] NAME}, {@code cat /proc/modules}, {@code cat /proc/kallsyms},
 * {@code cat} and {@code ls [-a]} of {@code /sys/module/...}, {@code modinfo FILE}, the commands
 * of the 2002 debate ({@link DebateCommands}), {@code help}, {@code exit}. Exit status 1 when any
 * command failed.
 */
@Command(name = "shell", mixinStandardHelpOptions = true, version = "modload 0.1.0", description = "Keep one kernel across commands read from standard input.")
final class ShellCommand implements Callable<Integer> {
    private static final String HELP = """
            commands: insmod [--kill-at POINT] FILE | rmmod [-f] NAME | lsmod | modprobe [--kill-at POINT] NAME
                      | cat /proc/modules | cat /proc/kallsyms
                      | cat /sys/module/NAME/{coresize,initsize,initstate,refcnt,taint}
                      | cat /sys/module/NAME/sections/SECTION | ls [-a] /sys/module[/NAME[/sections|/holders]]
                      | modinfo FILE | help | exit
            """ + DebateCommands.HELP;

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
            if (echo && !interactive) {
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
                Optional<DebateCommands.Killable> k = DebateCommands.killable(s, args, err);
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
                Optional<DebateCommands.Killable> k = DebateCommands.killable(s, args, err);
                if (k.isEmpty()) {
                    return false;
                }
                return k.get().rest().size() == 1 ? s.modprobe(k.get().rest().get(0), k.get().kill(), err)
                        : usage(err, "modprobe [--kill-at POINT] NAME");
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
                if (args.size() == 1 && args.get(0).startsWith("/sys/")) {
                    return s.catSys(args.get(0), out, err);
                }
                return usage(err, "cat /proc/modules | cat /proc/kallsyms | cat /sys/module/NAME/FILE");
            case "ls": {
                boolean all = args.contains("-a");
                List<String> paths = args.stream().filter(a -> !a.startsWith("-")).toList();
                if (paths.size() != 1 || args.stream().anyMatch(a -> a.startsWith("-") && !a.equals("-a"))) {
                    return usage(err, "ls [-a] /sys/module[/NAME[/sections|/holders]]");
                }
                return s.ls(paths.get(0), all, out, err);
            }
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
                if (DebateCommands.NAMES.contains(cmd)) {
                    return DebateCommands.execute(s, cmd, args, out, err);
                }
                err.println("shell: unknown command '" + cmd + "'; try help");
                return false;
        }
    }

    private static boolean usage(PrintWriter err, String usage) {
        err.println("usage: " + usage);
        return false;
    }
}
