package org.modload.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.modload.kernel.depmod.DepfileAge;
import org.modload.kernel.depmod.DepmodConfig;
import org.modload.kernel.depmod.DepmodFiles;
import org.modload.kernel.depmod.DepmodResult;
import org.modload.kernel.depmod.DepmodWriter;
import org.modload.kernel.depmod.ExportedSymbol;
import org.modload.kernel.depmod.KernelSymbols;
import org.modload.kernel.depmod.ModuleDirectory;
import org.modload.kernel.depmod.ModuleTree;
import org.modload.kernel.diag.DependencyCycleException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code modload depmod [-b basedir] [-E Module.symvers] [-F System.map] [-e] [-n] [-A] [-a] [-w]
 * [-v] [-P c] [release] [module files...]}: kmod 30's {@code depmod}, option for option. It
 * writes into {@code BASEDIR/lib/modules/RELEASE} every file kmod 30 writes, with kmod's bytes
 * ({@link DepmodFiles}), each through a temporary file and a rename; with {@code -n} it prints
 * the text ones on standard output instead. Messages are kmod's, {@code depmod: LEVEL: ...}.
 *
 * <p>Where the simulation differs: without a release kmod takes {@code uname -r}, the running
 * kernel's; here the release is the one directory of {@code BASEDIR/lib/modules}, and naming it
 * is required when there are several or none. No depmod.d configuration is read (kmod reads the
 * host's {@code /etc/depmod.d} and friends even with {@code -b}): {@code -C} is refused. Usage
 * errors exit 2 (kmod: 1).
 */
@Command(name = "depmod", mixinStandardHelpOptions = true, version = KmodVersion.TEXT, description = {
    "Write the module indexes of BASEDIR/lib/modules/RELEASE as kmod 30's depmod writes them, byte for byte:"
            + " modules.dep, modules.dep.bin, modules.alias, modules.alias.bin, modules.softdep, modules.symbols,"
            + " modules.symbols.bin, modules.builtin.bin, modules.builtin.alias.bin and modules.devname.",
    "Without a release, the only directory under BASEDIR/lib/modules. Without module files (or with -a) every"
            + " module under the directory is read (.ko, .ko.xz, .ko.zst, .ko.gz)."})
final class DepmodCommand implements Callable<Integer> {

    /** depmod's short options that take an argument, for reading clusters such as {@code -nb DIR}. */
    private static final String WITH_ARGUMENT = "bCEFP";
    /** Deprecated options kmod accepts and ignores with a warning: short name, long name. */
    private static final List<String[]> DEPRECATED = List.of(new String[] {"u", "unresolved-error"},
            new String[] {"q", "quiet"}, new String[] {"r", "root"}, new String[] {"m", "map"});

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-a", "--all"}, description = "Probe all modules (also the default without module files).")
    boolean all;
    @Option(names = {"-A", "--quick"}, description = "Only do the work if a module is newer than modules.dep.")
    boolean quick;
    @Option(names = {"-b", "--basedir"}, paramLabel = "DIR", description = "Use an image of a module tree: DIR/lib/modules/RELEASE.")
    String basedir;
    @Option(names = {"-C", "--config"}, paramLabel = "PATH", description = "Not supported: depmod.d configuration.")
    List<String> config;
    @Option(names = {"-E", "--symvers"}, paramLabel = "FILE", description = "Use Module.symvers FILE to check symbol versions.")
    Path symvers;
    @Option(names = {"-F", "--filesyms"}, paramLabel = "FILE", description = "Use the System.map FILE for the kernel's symbols.")
    Path systemMap;
    @Option(names = {"-e", "--errsyms"}, description = "Report symbols no module or the kernel supplies (needs -E or -F).")
    boolean errsyms;
    @Option(names = {"-n", "--show", "--dry-run"}, description = "Write the text files on standard output only.")
    boolean show;
    @Option(names = {"-P", "--symbol-prefix"}, paramLabel = "C", description = "Architecture symbol prefix.")
    String prefix;
    @Option(names = {"-v", "--verbose"}, description = "Print each dependency found.")
    boolean[] verbose;
    @Option(names = {"-w", "--warn"}, description = "Warn on duplicate values in the binary indexes.")
    boolean warn;
    @Option(names = {"-u", "--unresolved-error", "-q", "--quiet", "-r", "--root", "-m", "--map"}, hidden = true,
            description = "Deprecated; ignored with a warning.")
    boolean[] deprecated;

    @Parameters(paramLabel = "RELEASE|MODULE", description = "The release (a version number, as 6.1.0-57-amd64), then"
            + " absolute paths of module files to read instead of the whole tree.")
    List<String> arguments = new ArrayList<>();

    private PrintWriter err;

    @Override
    public Integer call() throws IOException {
        err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        try {
            return run(out);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int run(PrintWriter out) throws IOException {
        deprecationWarnings();
        if (config != null) {
            return usage("-C (depmod.d configuration) is not supported by modload's depmod");
        }
        char symbolPrefix = '\0';
        if (prefix != null) {
            if (prefix.length() != 1) {
                err.println("depmod: FATAL: -P only takes a single char");
                return Failures.USAGE;
            }
            symbolPrefix = prefix.charAt(0);
        }
        String root = basedir == null ? "" : absolute(basedir);
        String release;
        List<String> files;
        if (!arguments.isEmpty()) {
            release = arguments.get(0);
            if (!isVersionNumber(release)) {
                err.println("depmod: ERROR: Bad version passed " + release);
                return Failures.USAGE;
            }
            files = arguments.subList(1, arguments.size());
        } else {
            List<String> releases = releases(Path.of(root + "/lib/modules"));
            if (releases.size() != 1) {
                return usage("no release given and " + root + "/lib/modules holds " + (releases.isEmpty() ? "none"
                        : releases.size() + " (" + String.join(", ", releases) + ")") + ": name the release");
            }
            release = releases.get(0);
            files = List.of();
        }
        String dirname = root + "/lib/modules/" + release;
        Path dir = Path.of(dirname);
        boolean everything = all || files.isEmpty();

        if (quick) {
            if (show) {
                return 0;
            }
            List<String> messages = new ArrayList<>();
            boolean upToDate = DepfileAge.upToDate(dir, dirname, messages);
            print(messages);
            if (upToDate) {
                return 0;
            }
            everything = true;
        }

        KernelSymbols kernel = new KernelSymbols(List.of(), List.of());
        boolean printUnknown = errsyms;
        boolean kernelGiven = symvers != null || systemMap != null;
        try {
            if (symvers != null) {
                kernel = KernelSymbols.symvers(symvers, symbolPrefix);
            } else if (systemMap != null) {
                kernel = KernelSymbols.systemMap(systemMap, symbolPrefix);
            } else if (errsyms) {
                err.println("depmod: WARNING: -e needs -E or -F");
                printUnknown = false;
            }
        } catch (IOException e) {
            err.println("depmod: FATAL: could not load " + (symvers != null ? symvers : systemMap) + ": " + reason(e));
            return Failures.INPUT;
        }
        print(kernel.messages());

        ModuleTree tree;
        if (everything) {
            if (!Files.isDirectory(dir)) {
                err.println("depmod: ERROR: could not open directory " + dirname + ": No such file or directory");
                err.println("depmod: FATAL: could not search modules: No such file or directory");
                return Failures.INPUT;
            }
            tree = ModuleTree.readRelease(dir);
        } else {
            for (String f : files) {
                if (!f.startsWith("/")) {
                    err.println("depmod: FATAL: " + f + ": not absolute path.");
                    return Failures.USAGE;
                }
                if (!Files.isRegularFile(Path.of(f))) {
                    err.println("depmod: FATAL: could not create module " + f + ": No such file or directory");
                    return Failures.INPUT;
                }
            }
            tree = ModuleTree.ofFiles(dir, dirname, files);
        }
        // kmod keeps one file per name without a word; saying which one is kept costs nothing on stdout.
        for (ModuleDirectory.Duplicate d : tree.duplicates()) {
            err.println("modload: warning: " + d.path() + ": duplicate module name " + d.name() + ", also " + d.kept()
                    + " (modules.dep lists that one)");
        }
        if (!tree.orderFile()) {
            err.println("depmod: WARNING: could not open modules.order at " + dirname + ": No such file or directory");
        } else if (tree.corruptOrderLine() > 0) {
            err.println("depmod: ERROR: " + dirname + "/modules.order:" + tree.corruptOrderLine()
                    + " corrupted line misses '\\n'");
        }

        List<ExportedSymbol> kernelSymbols = kernel.symbols();
        DepmodConfig cfg = new DepmodConfig(dirname, kernelSymbols, kernelGiven, symvers != null,
                printUnknown && kernelGiven, symbolPrefix, verbose != null && verbose.length > 0);
        DepmodResult result;
        try {
            result = tree.depmod(cfg);
        } catch (DependencyCycleException e) {
            print(tree.cycleReport(cfg));
            return Failures.INPUT;
        }
        print(result.warnings());
        for (String line : result.shown()) {
            out.println(line);
        }

        if (show) {
            DepmodFiles.Output text = DepmodFiles.text(result, dirname);
            for (DepmodFiles.File f : text.files()) {
                out.print(new String(f.bytes(), StandardCharsets.UTF_8));
            }
            print(text.messages());
            return 0;
        }
        DepmodFiles.Output written = DepmodFiles.all(result, dir, dirname, warn);
        print(written.messages());
        try {
            DepmodWriter.write(dir, written.files());
        } catch (IOException e) {
            err.println("depmod: ERROR: could not write the indexes into " + dirname + ": " + reason(e)
                    + " (the old files are kept)");
            return Failures.INPUT;
        }
        return 0;
    }

    private int usage(String message) {
        err.println("depmod: ERROR: " + message);
        return Failures.USAGE;
    }

    private void print(List<String> messages) {
        for (String m : messages) {
            err.println("depmod: " + m);
        }
    }

    /** kmod's warnings for the deprecated options, in command-line order, spelled as given. */
    private void deprecationWarnings() {
        if (deprecated == null) {
            return;
        }
        for (String arg : spec.commandLine().getParseResult().originalArgs()) {
            if (arg.equals("--")) {
                return;
            }
            if (arg.startsWith("--")) {
                for (String[] d : DEPRECATED) {
                    if (arg.equals("--" + d[1])) {
                        err.println("depmod: WARNING: Ignored deprecated option --" + d[1]);
                    }
                }
            } else if (arg.startsWith("-")) {
                for (int i = 1; i < arg.length(); i++) {
                    String c = arg.substring(i, i + 1);
                    if (WITH_ARGUMENT.contains(c)) {
                        break;
                    }
                    if (DEPRECATED.stream().anyMatch(d -> d[0].equals(c))) {
                        err.println("depmod: WARNING: Ignored deprecated option -" + c);
                    }
                }
            }
        }
    }

    /** kmod's {@code is_version_number}: {@code sscanf(version, "%u.%u", ...) == 2}. */
    static boolean isVersionNumber(String v) {
        int[] at = {0};
        if (!scanUnsigned(v, at) || at[0] >= v.length() || v.charAt(at[0]) != '.') {
            return false;
        }
        at[0]++;
        return scanUnsigned(v, at);
    }

    private static boolean scanUnsigned(String s, int[] at) {
        int i = at[0];
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        at[0] = i;
        return i > digits;
    }

    /** libkmod's {@code path_make_absolute_cwd}: a relative path after the working directory, not normalized. */
    private static String absolute(String path) {
        return path.startsWith("/") ? path : System.getProperty("user.dir") + "/" + path;
    }

    /** The directories under {@code modules}, in name order; none if it does not exist. */
    private static List<String> releases(Path modules) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(modules)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(modules)) {
            for (Path p : ds) {
                if (Files.isDirectory(p)) {
                    out.add(p.getFileName().toString());
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        return e.getMessage();
    }
}
