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
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code modload shell}: one kernel across commands read from standard input (with a prompt
 * when standard input is a terminal), so a session can be scripted:
 * {@code insmod FILE}, {@code rmmod [-f] NAME}, {@code lsmod}, {@code modprobe NAME},
 * {@code cat /proc/modules}, {@code cat /proc/kallsyms}, {@code cat} and {@code ls [-a]} of
 * {@code /sys/module/...}, {@code modinfo FILE}, {@code help}, {@code exit}. Exit status 1 when
 * any command failed.
 */
@Command(name = "shell", description = "Keep one kernel across commands read from standard input.")
final class ShellCommand implements Callable<Integer> {
    private static final String HELP = """
            commands: insmod FILE | rmmod [-f] NAME | lsmod | modprobe NAME | cat /proc/modules
                      | cat /proc/kallsyms | cat /sys/module/NAME/{coresize,initsize,initstate,refcnt,taint}
                      | cat /sys/module/NAME/sections/SECTION | ls [-a] /sys/module[/NAME[/sections|/holders]]
                      | modinfo FILE | help | exit""";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ModuleCommands.Common common;

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
            case "insmod":
                return args.size() == 1 ? s.insmod(Path.of(args.get(0)), err) : usage(err, "insmod FILE");
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
            case "modprobe":
                return args.size() == 1 ? s.modprobe(args.get(0), err) : usage(err, "modprobe NAME");
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
                err.println("shell: unknown command '" + cmd + "'; try help");
                return false;
        }
    }

    private static boolean usage(PrintWriter err, String usage) {
        err.println("usage: " + usage);
        return false;
    }
}
