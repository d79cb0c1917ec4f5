package org.modload.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.modload.kernel.depmod.ModuleDirectory;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * kmod's tools over one simulated kernel per invocation: the kernel is booted from the
 * {@link KernelOptions}, {@code --load} files are inserted first, then the tool runs. The
 * {@code shell} keeps one kernel across many commands.
 */
final class ModuleCommands {
    private ModuleCommands() {
    }

    /** Options every tool shares: the kernel and the modules loaded before the tool runs. */
    static final class Common {
        @Mixin
        KernelOptions kernel;

        @Option(names = "--load", paramLabel = "FILE", description = "Insert these modules first, in order.")
        List<Path> preload = List.of();

        @Option(names = "--tree", paramLabel = "DIR", description = "Module tree modprobe searches (lib/modules/VERSION,"
                + " or a root whose lib/modules or usr/lib/modules holds one release; symbolic links followed).")
        Path tree;

        /**
         * Boots the kernel and inserts the {@code --load} files.
         *
         * @throws org.modload.kernel.diag.ModuleTreeException if {@code --tree} is no directory or holds no module
         */
        Session session(PrintWriter err) throws IOException {
            ModuleDirectory modules = tree == null ? null : ModuleDirectory.scanNonEmpty(tree);
            Session s = new Session(kernel.boot(), kernel.loadOptions(), tree, modules);
            for (Path p : preload) {
                if (!s.insmod(p, err)) {
                    throw new InputFileException("--load " + p + " failed");
                }
            }
            return s;
        }
    }

    /** What every tool does first: boot the kernel and insert the {@code --load} files. */
    abstract static class Tool implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Common common;

        @Override
        public final Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            return run(common.session(err), spec.commandLine().getOut(), err);
        }

        abstract int run(Session s, PrintWriter out, PrintWriter err) throws IOException;
    }

    @Command(name = "insmod", mixinStandardHelpOptions = true, version = KmodVersion.TEXT, description = "Insert modules into a booted kernel; prints nothing on success.")
    static final class Insmod extends Tool {
        @Parameters(paramLabel = "FILE", arity = "1..*")
        List<Path> files;

        @Override
        int run(Session s, PrintWriter out, PrintWriter err) throws IOException {
            for (Path f : files) {
                if (!s.insmod(f, err)) {
                    return 1;
                }
            }
            return 0;
        }
    }

    @Command(name = "rmmod", mixinStandardHelpOptions = true, version = KmodVersion.TEXT, description = "Remove modules (after --load); refuses as kmod does.")
    static final class Rmmod extends Tool {
        @Option(names = {"-f", "--force"}, description = "Force removal (taints the kernel).")
        boolean force;

        @Parameters(paramLabel = "NAME", arity = "1..*")
        List<String> names;

        @Override
        int run(Session s, PrintWriter out, PrintWriter err) {
            int status = 0;
            for (String n : names) {
                if (!s.rmmod(n, force, err)) {
                    status = 1;
                }
            }
            s.lsmod(out);
            return status;
        }
    }

    @Command(name = "lsmod", mixinStandardHelpOptions = true, version = KmodVersion.TEXT, description = "List the modules of a booted kernel (after --load), as kmod's lsmod.")
    static final class Lsmod extends Tool {
        @Override
        int run(Session s, PrintWriter out, PrintWriter err) {
            s.lsmod(out);
            return 0;
        }
    }

    @Command(name = "modprobe", mixinStandardHelpOptions = true, version = KmodVersion.TEXT, description = "Insert modules from --tree with their dependencies first.")
    static final class Modprobe extends Tool {
        @Parameters(paramLabel = "NAME", arity = "1..*")
        List<String> names;

        @Override
        int run(Session s, PrintWriter out, PrintWriter err) throws IOException {
            for (String n : names) {
                if (!s.modprobe(n, err)) {
                    return 1;
                }
            }
            s.lsmod(out);
            return 0;
        }
    }
}
