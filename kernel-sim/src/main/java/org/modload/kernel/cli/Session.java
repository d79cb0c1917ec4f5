package org.modload.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Optional;

import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.compress.ModuleFiles;
import org.modload.kernel.depmod.ModuleDirectory;
import org.modload.kernel.depmod.ModuleLookup;
import org.modload.kernel.diag.CompressedDataException;
import org.modload.kernel.diag.Errnos;
import org.modload.kernel.insmod.Insmod;
import org.modload.kernel.insmod.KillPoint;
import org.modload.kernel.insmod.Outcome;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.ModuleListEntry;
import org.modload.kernel.model.ModuleView;
import org.modload.kernel.model.UnloadPolicy;
import org.modload.kernel.modprobe.ConfigReader;
import org.modload.kernel.modprobe.Messages;
import org.modload.kernel.modprobe.Modprobe;
import org.modload.kernel.modprobe.ModprobeConfig;
import org.modload.kernel.modprobe.ModprobeTarget;
import org.modload.kernel.modprobe.ModuleSource;
import org.modload.kernel.proc.ProcFs;
import org.modload.kernel.sys.SysFs;
import org.modload.kernel.tree.TreeLoader;

/**
 * One kernel and the kmod-style tools over it: what {@code insmod}, {@code rmmod},
 * {@code lsmod}, {@code modprobe} and the {@code shell} do. Messages are kmod 30's, one line
 * each ({@code insmod: ERROR: could not insert module F: Unknown symbol in module},
 * {@code rmmod: ERROR: Module xfrm_algo is in use by: af_key}); the kernel's located reason
 * for a refused load or unload (what Linux would log to dmesg) follows as a second line only
 * when {@link #details} is on ({@code --debug}, and in the shell). Modules are inserted as the
 * kernel's load policy needs ({@link Insmod}); their code is the session's {@link ModuleCode}.
 * {@code modprobe} is {@link Modprobe} over the session's module source: kmod's indexes when
 * depmod has written them into the module directory, else (a {@code --tree} depmod never ran
 * on) the modules found by walking the tree with the dependencies their {@code depends} names.
 */
final class Session {
    private final Kernel kernel;
    private final LoadOptions options;
    private final ModuleCode code = new ModuleCode();
    /** Where modprobe looks when no module directory is given: the --tree, if any. */
    private final ModuleSource treeSource;
    private boolean details = true;

    /**
     * @param tree the module tree {@code modprobe} searches, already scanned ({@link ModuleDirectory#scanNonEmpty}), or null
     */
    Session(Kernel kernel, LoadOptions options, Path tree, ModuleDirectory modules) {
        this.kernel = kernel;
        this.options = options.withHooks(code);
        this.treeSource = modules == null ? null : source(modules);
    }

    /** Whether the kernel's reason follows kmod's line for a refused load or unload. */
    void details(boolean on) {
        details = on;
    }

    Kernel kernel() {
        return kernel;
    }

    /** What stands in for the code of the modules this session inserts. */
    ModuleCode code() {
        return code;
    }

    /** The source of a scanned tree: kmod's indexes if depmod wrote them, else the walk. */
    static ModuleSource source(ModuleDirectory modules) {
        String dirname = modules.root().toAbsolutePath().toString();
        if (Files.isRegularFile(modules.root().resolve("modules.dep.bin"))) {
            return ModuleSource.indexed(dirname);
        }
        return new ScannedModules(dirname, modules);
    }

    /** The --tree's module source, or null without one. */
    ModuleSource treeSource() {
        return treeSource;
    }

    /** insmod FILE. */
    boolean insmod(Path file, PrintWriter err) throws IOException {
        return insmod(file, "", Optional.empty(), err);
    }

    /** insmod FILE, killed at {@code kill} when given (the shell then says {@code Killed}, as a shell does). */
    boolean insmod(Path file, Optional<KillPoint> kill, PrintWriter err) throws IOException {
        return insmod(file, "", kill, err);
    }

    /**
     * insmod FILE [PARAMS]: kmod's insmod, one line on failure.
     *
     * @param params the parameters as insmod joins them ({@code a=1 b=2}), handed to the load as
     *               {@code init_module}'s argument string would be; not yet applied (module
     *               parameters are issue 14's next part)
     */
    boolean insmod(Path file, String params, Optional<KillPoint> kill, PrintWriter err) throws IOException {
        if (Files.isDirectory(file)) {
            err.println("insmod: ERROR: could not insert module " + file + ": Is a directory");
            return false;
        }
        if (!Files.exists(file)) {
            err.println("insmod: ERROR: could not load module " + file + ": No such file or directory");
            return false;
        }
        Loaded r = load(file, params, kill);
        if (r.result().killed()) {
            err.println("Killed");
            return false;
        }
        if (r.result().error().isPresent()) {
            Errno e = r.result().error().get();
            err.println("insmod: ERROR: could not insert module " + file + ": " + insertError(e));
            detail("insmod", e, r.reason(), err);
            return false;
        }
        return true;
    }

    /** How one init_module ended, and the kernel's reason when it failed. */
    private record Loaded(ModprobeTarget.Inserted result, String reason) {
    }

    /**
     * init_module of one file, as kmod's {@code kmod_module_insert_module}.
     *
     * @param params {@code init_module}'s argument string: the hook module parameters will use; unused today
     */
    private Loaded load(Path file, String params, Optional<KillPoint> kill) throws IOException {
        try {
            Outcome o = Insmod.run(kernel, file.getFileName().toString(), ModuleFiles.read(file), options, kill);
            return new Loaded(o instanceof Outcome.Killed ? ModprobeTarget.Inserted.killedProcess()
                    : ModprobeTarget.Inserted.ok(), "");
        } catch (KernelException e) {
            return new Loaded(ModprobeTarget.Inserted.failed(e.errno()), e.getMessage());
        } catch (CompressedDataException e) {
            return new Loaded(ModprobeTarget.Inserted.failed(Errnos.of(e)), e.getMessage());
        }
    }

    private void detail(String tool, Errno errno, String message, PrintWriter err) {
        if (details) {
            err.println(tool + ": " + errno + ": " + message);
        }
    }

    /** kmod's insmod {@code mod_strerror()}: what insmod says for a failed init_module. */
    static String insertError(Errno errno) {
        return switch (errno) {
            case ENOEXEC -> "Invalid module format";
            case ENOENT -> "Unknown symbol in module";
            case EINVAL -> "Invalid parameters";
            default -> errno.text();
        };
    }

    /** rmmod [-f] NAME. */
    boolean rmmod(String name, boolean force, PrintWriter err) {
        return rmmod(name, force, false, err);
    }

    /**
     * rmmod [-f] [-s] NAME, as kmod 30's: a path names the module its file name gives; unless
     * forced, a built-in, unloaded, held or referenced module is refused with kmod's line.
     */
    boolean rmmod(String name, boolean force, boolean syslog, PrintWriter err) {
        String module = Files.exists(Path.of(name)) ? ModuleLookup.modnameNormalize(Path.of(name).getFileName().toString())
                : ModuleLookup.modnameNormalize(name);
        Optional<ModuleView> m = kernel.module(module);
        if (m.isEmpty() && uninitialized(module)) {
            return delete(module, name, force, syslog, err); // 2.4's create_module entry: nothing to check, no exit
        }
        if (!force) {
            String refusal = null;
            if (m.isEmpty() && treeSource != null && treeSource.isBuiltin(module)) {
                refusal = "Module " + module + " is builtin.";
            } else if (m.isEmpty()) {
                refusal = "Module " + module + " is not currently loaded";
            } else if (!m.get().usedBy().isEmpty()) {
                refusal = "Module " + module + " is in use by: " + String.join(" ", m.get().usedBy());
            } else if (m.get().refcount() > 0 && kernel.parameters().unloadPolicy() == UnloadPolicy.LINUX) {
                // Under exit-may-fail references are the module's business, so rmmod leaves them to it too.
                refusal = "Module " + module + " is in use";
            }
            if (refusal != null) {
                err.println(Messages.line("rmmod", Messages.LOG_ERR, refusal, syslog));
                return false;
            }
        }
        return delete(module, name, force, syslog, err);
    }

    private boolean uninitialized(String module) {
        return kernel.moduleList().stream()
                .anyMatch(e -> e instanceof ModuleListEntry.Uninitialized && e.name().equals(module));
    }

    private boolean delete(String module, String given, boolean force, boolean syslog, PrintWriter err) {
        Optional<Errno> e = remove(module, force, "rmmod", syslog, err);
        if (e.isPresent()) {
            err.println(Messages.line("rmmod", Messages.LOG_ERR, "could not remove module " + given + ": "
                    + e.get().text(), syslog));
            return false;
        }
        return true;
    }

    /** delete_module, with libkmod's line on failure (and the kernel's reason when {@link #details} is on). */
    private Optional<Errno> remove(String module, boolean force, String tool, boolean syslog, PrintWriter err) {
        try {
            kernel.deleteModule(module, force);
            return Optional.empty();
        } catch (KernelException e) {
            err.println(Messages.line(tool, Messages.LOG_ERR, "could not remove '" + module + "': " + e.errno().text(), syslog));
            detail(tool, e.errno(), e.getMessage(), err);
            return Optional.of(e.errno());
        }
    }

    /** lsmod, as kmod prints it; an entry create_module left uninitialized as 2.4's lsmod showed it. */
    void lsmod(PrintWriter out) {
        out.println("Module                  Size  Used by");
        for (ModuleListEntry e : kernel.moduleList()) {
            if (e instanceof ModuleListEntry.Uninitialized u) {
                out.println(String.format("%-19s %8d  0 (uninitialized)", u.name(), u.size()));
                continue;
            }
            ModuleView m = ((ModuleListEntry.Formed) e).module();
            StringBuilder sb = new StringBuilder(String.format("%-19s %8d  %d", m.name(), m.size(), m.refcount()));
            List<String> holders = m.usedBy();
            if (!holders.isEmpty()) {
                sb.append(' ').append(String.join(",", holders));
            }
            out.println(sb);
        }
    }

    /** modprobe NAME (the shell's): kmod's, over the --tree with kmod's default configuration. */
    boolean modprobe(String name, PrintWriter err) throws IOException {
        return modprobe(name, Optional.empty(), err);
    }

    /** modprobe NAME, its insmod of NAME itself killed at {@code kill} when given. */
    boolean modprobe(String name, Optional<KillPoint> kill, PrintWriter err) throws IOException {
        if (treeSource == null) {
            err.println("modprobe: ERROR: no module tree: pass --tree DIR");
            return false;
        }
        ConfigReader.Result config = ConfigReader.read(ConfigReader.DEFAULT_PATHS, treeSource.dirname());
        config.messages().forEach(err::println);
        PrintWriter out = new PrintWriter(java.io.Writer.nullWriter());
        return modprobe(config.config(), treeSource, Modprobe.Flags.defaults(), List.of(name), kill, out, err) == 0;
    }

    /**
     * kmod's modprobe with its configuration, module source and flags over this kernel.
     *
     * @return the exit status
     */
    int modprobe(ModprobeConfig config, ModuleSource source, Modprobe.Flags flags, List<String> args,
            Optional<KillPoint> kill, PrintWriter out, PrintWriter err) {
        Modprobe m = new Modprobe(config, source, new Target(kill, flags.syslog(), err), flags, "modprobe", out, err);
        int status = m.run(args);
        if (m.killed()) {
            err.println("Killed");
        }
        return status;
    }

    /** The kernel as modprobe sees it. */
    private final class Target implements ModprobeTarget {
        private final Optional<KillPoint> kill;
        private final boolean syslog;
        private final PrintWriter err;

        Target(Optional<KillPoint> kill, boolean syslog, PrintWriter err) {
            this.kill = kill;
            this.syslog = syslog;
            this.err = err;
        }

        @Override
        public Optional<State> state(String name) {
            Optional<ModuleView> m = kernel.module(name);
            if (m.isEmpty()) {
                return uninitialized(name) ? Optional.of(State.COMING) : Optional.empty();
            }
            switch (m.get().state()) {
                case LIVE:
                    return Optional.of(State.LIVE);
                case GOING:
                    return Optional.of(State.GOING);
                default:
                    return Optional.of(State.COMING);
            }
        }

        @Override
        public int refcount(String name) {
            return kernel.module(name).map(ModuleView::refcount).orElse(uninitialized(name) ? 0 : -1);
        }

        @Override
        public List<String> holders(String name) {
            return kernel.module(name).map(ModuleView::usedBy).orElse(List.of());
        }

        @Override
        public Inserted insert(InsertRequest request) {
            try {
                Loaded r = load(Path.of(request.path()), request.options(), request.asked() ? kill : Optional.empty());
                r.result().error().ifPresent(e -> detail("modprobe", e, r.reason(), err));
                return r.result();
            } catch (NoSuchFileException e) {
                return Inserted.failed(Errno.ENOENT);
            } catch (IOException e) {
                return Inserted.failed(Errno.EINVAL);
            }
        }

        @Override
        public Optional<Errno> remove(String name, boolean force) {
            return Session.this.remove(name, force, "modprobe", syslog, err);
        }
    }

    /** cat /proc/modules. */
    void procModules(PrintWriter out) {
        ProcFs.modules(kernel).forEach(out::println);
    }

    /** cat /proc/kallsyms. */
    void kallsyms(PrintWriter out) {
        ProcFs.kallsyms(kernel).forEach(out::println);
    }

    /** cat of a /sys/module file, as busybox cat prints it (the file's own newline ends it). */
    boolean catSys(String path, PrintWriter out, PrintWriter err) {
        Optional<String> text = SysFs.read(kernel, path);
        if (text.isEmpty()) {
            err.println("cat: can't open '" + path + "': " + (SysFs.list(kernel, path).isPresent()
                    ? "Is a directory" : "No such file or directory"));
            return false;
        }
        out.print(text.get());
        return true;
    }

    /** ls [-a] of a /sys/module directory: one name per line, dot-names only with -a (then . and .. first). */
    boolean ls(String path, boolean all, PrintWriter out, PrintWriter err) {
        Optional<List<String>> names = SysFs.list(kernel, path);
        if (names.isEmpty()) {
            if (SysFs.read(kernel, path).isPresent()) {
                out.println(path);
                return true;
            }
            err.println("ls: " + path + ": No such file or directory");
            return false;
        }
        if (all) {
            out.println(".");
            out.println("..");
        }
        names.get().stream().filter(n -> all || !n.startsWith(".")).forEach(out::println);
        return true;
    }
}
