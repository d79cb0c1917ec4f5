package org.modload.kernel.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.modload.kernel.insmod.KillPoint;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.KernelException;

/**
 * The shell's commands of the 2002 debate, which kmod has no tool for: {@code create_module NAME
 * SIZE} (2.4's first call, by a caller that never makes the second), {@code try_module_get NAME}
 * and {@code module_put NAME} (a caller's reference, as an open file of a driver holds one),
 * {@code exit-returns NAME VALUE} (what the module's simulated exit returns from now on), and
 * the {@code --kill-at POINT} that insmod and modprobe take. Stateless.
 */
final class DebateCommands {
    /** The commands this class runs. */
    static final Set<String> NAMES = Set.of("create_module", "try_module_get", "module_put", "exit-returns");

    /** Their lines of the shell's help. */
    static final String HELP = """
                      | create_module NAME SIZE | try_module_get NAME | module_put NAME | exit-returns NAME VALUE
            POINT: a load phase (linux) or query_module, create_module, relocate (legacy-2.4), where insmod is killed
            VALUE: what NAME's simulated exit returns from now on, 0 or -ERRNO (obeyed under exit-may-fail)""";

    /** The arguments of a command that takes {@code --kill-at POINT} first: the point, if any, and the rest. */
    record Killable(Optional<KillPoint> kill, List<String> rest) {
    }

    private DebateCommands() {
    }

    /**
     * Runs one of {@link #NAMES} on the session's kernel; prints results on {@code out}, refusals
     * and usage on {@code err}.
     *
     * @return whether it succeeded
     */
    static boolean execute(Session s, String cmd, List<String> args, PrintWriter out, PrintWriter err) {
        switch (cmd) {
            case "create_module":
                if (args.size() != 2 || !args.get(1).matches("\\d{1,18}")) {
                    return usage(err, "create_module NAME SIZE");
                }
                try {
                    out.printf("0x%x%n", s.kernel().createModule(args.get(0), Long.parseLong(args.get(1))));
                    return true;
                } catch (KernelException e) {
                    err.println("create_module: " + e.errno() + ": " + e.getMessage());
                    return false;
                }
            case "try_module_get":
                if (args.size() != 1) {
                    return usage(err, "try_module_get NAME");
                }
                if (s.kernel().tryModuleGet(args.get(0))) {
                    return true;
                }
                err.println("try_module_get: " + args.get(0) + " is not a LIVE module");
                return false;
            case "module_put":
                if (args.size() != 1) {
                    return usage(err, "module_put NAME");
                }
                try {
                    s.kernel().modulePut(args.get(0));
                    return true;
                } catch (KernelException e) {
                    err.println("module_put: " + e.errno() + ": " + e.getMessage());
                    return false;
                }
            case "exit-returns": {
                Optional<Integer> value = args.size() == 2 ? exitValue(args.get(1)) : Optional.empty();
                if (value.isEmpty()) {
                    return usage(err, "exit-returns NAME VALUE (0 or -ERRNO, e.g. -EBUSY)");
                }
                s.code().exitReturns(args.get(0), value.get());
                return true;
            }
            default:
                throw new IllegalArgumentException("not a command of the debate: " + cmd);
        }
    }

    /** Parses a leading {@code --kill-at POINT}; empty, said on {@code err}, when POINT is not one of the kernel's. */
    static Optional<Killable> killable(Session s, List<String> args, PrintWriter err) {
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
