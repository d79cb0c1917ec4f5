package org.modload.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.modload.kernel.LoadOptions;
import org.modload.kernel.depmod.ModuleDirectory;
import org.modload.kernel.modprobe.ConfigReader;
import org.modload.kernel.modprobe.Modprobe;
import org.modload.kernel.modprobe.ModuleSource;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * kmod 30's tools over one simulated kernel per invocation, with kmod's options: the kernel is
 * booted from the {@link KernelOptions}, {@code --load} files are inserted first, then the tool
 * runs and, as kmod's tools, prints nothing on success ({@code --lsmod} shows the kernel it
 * leaves). The {@code shell} keeps one kernel across many commands.
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
                + " or a root whose lib/modules or usr/lib/modules holds one release; symbolic links followed): kmod's"
                + " indexes there if depmod wrote them, else the modules found in it. Instead of -d/-S.")
        Path tree;

        /**
         * Boots the kernel and inserts the {@code --load} files; the kernel's reasons for refusals
         * are shown (the shell's session).
         *
         * @throws org.modload.kernel.diag.ModuleTreeException if {@code --tree} is no directory or holds no module
         */
        Session session(PrintWriter err) throws IOException {
            return session(err, false, true);
        }

        /**
         * As {@link #session(PrintWriter)}.
         *
         * @param force load with version magic and symbol CRCs ignored ({@code -f})
         * @param details whether the kernel's reason follows kmod's line for a refusal
         */
        Session session(PrintWriter err, boolean force, boolean details) throws IOException {
            ModuleDirectory modules = tree == null ? null : ModuleDirectory.scanNonEmpty(tree);
            LoadOptions o = kernel.loadOptions();
            if (force) {
                o = new LoadOptions(true, true, o.hooks(), o.faults());
            }
            Session s = new Session(kernel.boot(), o, tree, modules);
            s.details(details);
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

        @Option(names = "--lsmod", description = "After the tool, print lsmod's table of the simulated kernel"
                + " (it ends with the command).")
        boolean lsmodAfter;

        @Override
        public final Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            PrintWriter out = spec.commandLine().getOut();
            Object root = spec.root().userObject();
            boolean debug = root instanceof Main m && m.debug;
            Session s = common.session(err, force(), debug);
            int status = run(s, out, err);
            if (lsmodAfter) {
                s.lsmod(out);
            }
            return status;
        }

        /** Whether the tool loads with {@code -f}. */
        boolean force() {
            return false;
        }

        abstract int run(Session s, PrintWriter out, PrintWriter err) throws IOException;
    }

    @Command(name = "insmod", mixinStandardHelpOptions = true, version = KmodVersion.TEXT,
            description = "Insert a module into a booted kernel, as kmod's insmod; prints nothing on success.")
    static final class Insmod extends Tool {
        @Option(names = {"-f", "--force"}, description = "Ignore version magic and symbol versions; taints.")
        boolean forced;

        @Option(names = "-p", hidden = true, description = "Ignored, as kmod ignores it.")
        boolean probe;

        @Option(names = "-s", hidden = true, description = "Ignored, as kmod ignores it.")
        boolean syslog;

        @Parameters(index = "0", paramLabel = "FILE", description = "The module file (.ko, or compressed).")
        Path file;

        @Parameters(index = "1..*", paramLabel = "ARGS", description = "Module parameters (param=value), passed on as"
                + " init_module's argument string (not yet applied).")
        List<String> params = List.of();

        @Override
        boolean force() {
            return forced;
        }

        @Override
        int run(Session s, PrintWriter out, PrintWriter err) throws IOException {
            return s.insmod(file, String.join(" ", params), Optional.empty(), err) ? 0 : 1;
        }
    }

    @Command(name = "rmmod", mixinStandardHelpOptions = true, version = KmodVersion.TEXT,
            description = "Remove modules (after --load), as kmod's rmmod: refuses a module in use unless forced.")
    static final class Rmmod extends Tool {
        @Option(names = {"-f", "--force"}, description = "Force removal (taints the kernel).")
        boolean force;

        @Option(names = {"-s", "--syslog"}, description = "Messages as syslog would receive them (<PRI>rmmod: ...),"
                + " on standard error: the simulation has no syslog.")
        boolean syslog;

        @Option(names = {"-v", "--verbose"}, description = "More messages (kmod's rmmod has none to add).")
        boolean[] verbose = new boolean[0];

        @Parameters(paramLabel = "NAME", arity = "1..*", description = "Module names, or module files (their name is used).")
        List<String> names;

        @Override
        int run(Session s, PrintWriter out, PrintWriter err) {
            int status = 0;
            for (String n : names) {
                if (!s.rmmod(n, force, syslog, err)) {
                    status = 1;
                }
            }
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

    @Command(name = "modprobe", mixinStandardHelpOptions = true, version = KmodVersion.TEXT,
            description = "Insert or remove modules with their dependencies and soft dependencies, as kmod 30's modprobe:"
                    + " names and aliases from the module directory's indexes and the modprobe.d configuration.")
    static final class Modprobe extends Tool {
        @Option(names = {"-a", "--all"}, description = "Every argument is a module to insert (or remove with -r).")
        boolean all;
        @Option(names = {"-r", "--remove"}, description = "Remove modules, then their dependencies nobody uses.")
        boolean remove;
        @Option(names = {"--remove-holders", "--remove-dependencies"}, description = "Also remove module holders (with -r).")
        boolean removeHolders;
        @Option(names = "--first-time", description = "Fail if a module is already inserted (or already removed).")
        boolean firstTime;
        @Option(names = {"-i", "--ignore-install", "--ignore-remove"}, description = "Ignore install and remove commands.")
        boolean ignoreCommands;
        @Option(names = {"-b", "--use-blacklist"}, description = "Apply the blacklist to module names too, not only aliases.")
        boolean useBlacklist;
        @Option(names = {"-f", "--force"}, description = "Ignore version magic and symbol versions (insertion), force removal.")
        boolean forced;
        @Option(names = {"-R", "--resolve-alias"}, description = "Only print the modules an alias resolves to.")
        boolean resolveAlias;
        @Option(names = {"-D", "--show-depends"}, description = "Only print what would be inserted (insmod/builtin lines), whatever is loaded.")
        boolean showDepends;
        @Option(names = {"-n", "--dry-run", "--show"}, description = "Do not insert or remove; with -v print what would be done.")
        boolean dryRun;
        @Option(names = {"-C", "--config"}, paramLabel = "FILE", description = "Read this file or directory instead of"
                + " /etc/modprobe.d, /run/modprobe.d, /usr/local/lib/modprobe.d and /lib/modprobe.d; repeatable.")
        List<String> config = new ArrayList<>();
        @Option(names = {"-d", "--dirname"}, paramLabel = "DIR", description = "Use DIR as filesystem root for /lib/modules.")
        String dirname;
        @Option(names = {"-S", "--set-version"}, paramLabel = "VERSION", description = "Use VERSION instead of `uname -r`.")
        String release;
        @Option(names = {"-s", "--syslog"}, description = "Messages as syslog would receive them (<PRI>modprobe: ...),"
                + " on standard error: the simulation has no syslog.")
        boolean syslog;
        @Option(names = {"-q", "--quiet"}, description = "Disable messages.")
        boolean quiet;
        @Option(names = {"-v", "--verbose"}, description = "Print the insmod and rmmod lines of what is done; repeatable.")
        boolean[] verbose = new boolean[0];

        @Parameters(paramLabel = "NAME", arity = "1..*", description = "A module name or alias, then its parameters"
                + " (param=value); with -a or -r, module names only.")
        List<String> args;

        @Override
        boolean force() {
            return forced;
        }

        @Override
        int run(Session s, PrintWriter out, PrintWriter err) {
            ModuleSource source = source(s);
            ConfigReader.Result cfg = ConfigReader.read(config.isEmpty() ? ConfigReader.DEFAULT_PATHS : config,
                    source.dirname());
            cfg.messages().forEach(err::println);
            int level = quiet ? 0 : org.modload.kernel.modprobe.Modprobe.DEFAULT_VERBOSE + verbose.length;
            org.modload.kernel.modprobe.Modprobe.Flags flags = new org.modload.kernel.modprobe.Modprobe.Flags(all, remove,
                    removeHolders, firstTime, ignoreCommands, useBlacklist, forced, showDepends, dryRun, resolveAlias,
                    level, syslog);
            return s.modprobe(cfg.config(), source, flags, args, Optional.empty(), out, err);
        }

        /** kmod's module directory: {@code DIR/lib/modules/VERSION} with -d/-S, else the --tree, else the running release's. */
        private ModuleSource source(Session s) {
            if (dirname != null || release != null) {
                if (common.tree != null) {
                    throw new UsageException("--tree and -d/-S both name the module directory: give one");
                }
                String rel = release != null ? release : System.getProperty("os.version");
                return ModuleSource.indexed(absolute((dirname == null ? "" : dirname) + "/lib/modules/" + rel));
            }
            if (s.treeSource() != null) {
                return s.treeSource();
            }
            return ModuleSource.indexed("/lib/modules/" + System.getProperty("os.version"));
        }

        /** libkmod's {@code path_make_absolute_cwd}: a relative path after the working directory, not normalized. */
        private static String absolute(String path) {
            return path.startsWith("/") ? path : System.getProperty("user.dir") + "/" + path;
        }
    }
}
