package org.modload.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.compress.ModuleFiles;
import org.modload.kernel.depmod.ModuleDirectory;
import org.modload.kernel.depmod.ModuleFile;
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
import org.modload.kernel.proc.ProcFs;
import org.modload.kernel.sys.SysFs;
import org.modload.kernel.tree.TreeLoader;

/**
 * One kernel and the kmod-style tools over it: what {@code insmod}, {@code rmmod},
 * {@code lsmod}, {@code modprobe} and the {@code shell} do. Messages are kmod's where kmod has
 * one ({@code rmmod: ERROR: Module xfrm_algo is in use by: af_key}), followed by our located
 * reason. Modules are inserted as the kernel's load policy needs ({@link Insmod}); their code is
 * the session's {@link ModuleCode}.
 */
final class Session {
    private final Kernel kernel;
    private final LoadOptions options;
    private final Path tree;
    private final ModuleCode code = new ModuleCode();
    private final Map<String, Path> index;

    /**
     * @param tree the module tree {@code modprobe} searches, already scanned ({@link ModuleDirectory#scanNonEmpty}), or null
     */
    Session(Kernel kernel, LoadOptions options, Path tree, ModuleDirectory modules) {
        this.kernel = kernel;
        this.options = options.withHooks(code);
        this.tree = tree;
        this.index = modules == null ? Map.of() : index(modules);
    }

    Kernel kernel() {
        return kernel;
    }

    /** What stands in for the code of the modules this session inserts. */
    ModuleCode code() {
        return code;
    }

    /** insmod FILE. */
    boolean insmod(Path file, PrintWriter err) throws IOException {
        return insmod(file, Optional.empty(), err);
    }

    /** insmod FILE, killed at {@code kill} when given (the shell then says {@code Killed}, as a shell does). */
    boolean insmod(Path file, Optional<KillPoint> kill, PrintWriter err) throws IOException {
        try {
            return finished(Insmod.run(kernel, file.getFileName().toString(), ModuleFiles.read(file),
                    options, kill), err);
        } catch (KernelException e) {
            err.println("insmod: ERROR: could not insert module " + file + ": " + insertError(e.errno()));
            err.println("insmod: " + e.errno() + ": " + e.getMessage());
            return false;
        } catch (CompressedDataException e) {
            err.println("insmod: ERROR: could not load module " + file + ": " + Errnos.of(e).text());
            err.println("insmod: " + Errnos.of(e) + ": " + e.getMessage());
            return false;
        }
    }

    private static boolean finished(Outcome o, PrintWriter err) {
        if (o instanceof Outcome.Killed) {
            err.println("Killed");
            return false;
        }
        return true;
    }

    /** kmod's mod_strerror(): what insmod and modprobe say for a failed init_module. */
    static String insertError(Errno errno) {
        return switch (errno) {
            case ENOEXEC -> "Invalid module format";
            case ENOENT -> "Unknown symbol in module";
            case EEXIST -> "Module already in kernel";
            default -> errno.text();
        };
    }

    /** rmmod [-f] NAME: kmod checks holders and references first and says why it refuses. */
    boolean rmmod(String name, boolean force, PrintWriter err) {
        String module = name.endsWith(".ko") ? name.substring(0, name.length() - 3) : name;
        module = module.substring(module.lastIndexOf('/') + 1).replace('-', '_');
        Optional<ModuleView> m = kernel.module(module);
        if (m.isEmpty() && uninitialized(module)) {
            return delete(module, force, err); // 2.4's create_module entry: nothing to check, no exit
        }
        if (m.isEmpty()) {
            err.println("rmmod: ERROR: Module " + module + " is not currently loaded");
            return false;
        }
        if (!force && !m.get().usedBy().isEmpty()) {
            err.println("rmmod: ERROR: Module " + module + " is in use by: " + String.join(" ", m.get().usedBy()));
            return false;
        }
        // Under exit-may-fail references are the module's business, so rmmod leaves them to it too.
        if (!force && m.get().refcount() > 0 && kernel.parameters().unloadPolicy() == UnloadPolicy.LINUX) {
            err.println("rmmod: ERROR: Module " + module + " is in use");
            return false;
        }
        return delete(module, force, err);
    }

    private boolean uninitialized(String module) {
        return kernel.moduleList().stream()
                .anyMatch(e -> e instanceof ModuleListEntry.Uninitialized && e.name().equals(module));
    }

    private boolean delete(String module, boolean force, PrintWriter err) {
        try {
            kernel.deleteModule(module, force);
            return true;
        } catch (KernelException e) {
            err.println("rmmod: ERROR: could not remove '" + module + "': " + e.errno().text());
            err.println("rmmod: " + e.errno() + ": " + e.getMessage());
            err.println("rmmod: ERROR: could not remove module " + module + ": " + e.errno().text());
            return false;
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

    /** modprobe NAME: the module and, first, every module its depends names, from the tree. */
    boolean modprobe(String name, PrintWriter err) throws IOException {
        return modprobe(name, Optional.empty(), err);
    }

    /** modprobe NAME, its insmod of NAME itself killed at {@code kill} when given. */
    boolean modprobe(String name, Optional<KillPoint> kill, PrintWriter err) throws IOException {
        if (tree == null) {
            err.println("modprobe: ERROR: no module tree: pass --tree DIR");
            return false;
        }
        String module = name.replace('-', '_');
        Path file = index.get(module);
        if (file == null) {
            err.println("modprobe: FATAL: Module " + name + " not found in directory " + tree);
            return false;
        }
        List<String> order = new ArrayList<>();
        if (!dependencyOrder(module, order, new ArrayList<>(), err)) {
            return false;
        }
        for (String m : order) {
            if (kernel.module(m).isPresent()) {
                continue;
            }
            Path p = index.get(m);
            try {
                Outcome o = Insmod.run(kernel, p.getFileName().toString(), ModuleFiles.read(p), options,
                        m.equals(module) ? kill : Optional.empty());
                if (!finished(o, err)) {
                    return false;
                }
            } catch (KernelException e) {
                err.println("modprobe: ERROR: could not insert '" + m + "': " + insertError(e.errno())
                        + (e.errno() == Errno.ENOENT ? ", or unknown parameter (see dmesg)" : ""));
                err.println("modprobe: " + e.errno() + ": " + e.getMessage());
                return false;
            } catch (CompressedDataException e) {
                err.println("modprobe: ERROR: could not insert '" + m + "': " + Errnos.of(e).text());
                err.println("modprobe: " + Errnos.of(e) + ": " + e.getMessage());
                return false;
            }
        }
        return true;
    }

    private boolean dependencyOrder(String module, List<String> order, List<String> path, PrintWriter err)
            throws IOException {
        if (order.contains(module)) {
            return true;
        }
        if (path.contains(module)) {
            err.println("modprobe: ERROR: dependency cycle through " + String.join(" -> ", path) + " -> " + module);
            return false;
        }
        Path p = index.get(module);
        if (p == null) {
            err.println("modprobe: FATAL: Module " + module + " not found in directory " + tree);
            return false;
        }
        path.add(module);
        for (String d : TreeLoader.depends(p)) {
            if (!dependencyOrder(d, order, path, err)) {
                return false;
            }
        }
        path.remove(path.size() - 1);
        order.add(module);
        return true;
    }

    /** Module name (kmod's, from the file name) to file, for every module depmod keeps in the tree. */
    private static Map<String, Path> index(ModuleDirectory modules) {
        Map<String, Path> m = new HashMap<>();
        for (String rel : modules.modules()) {
            m.put(ModuleFile.nameOf(rel), modules.root().resolve(rel));
        }
        return Map.copyOf(m);
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
