package org.modload.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.ModuleView;
import org.modload.kernel.proc.ProcFs;
import org.modload.kernel.sys.SysFs;
import org.modload.kernel.tree.TreeLoader;

/**
 * One kernel and the kmod-style tools over it: what {@code insmod}, {@code rmmod},
 * {@code lsmod}, {@code modprobe} and the {@code shell} do. Messages are kmod's where kmod has
 * one ({@code rmmod: ERROR: Module xfrm_algo is in use by: af_key}), followed by our located
 * reason.
 */
final class Session {
    private final Kernel kernel;
    private final LoadOptions options;
    private final Path tree;
    private Map<String, Path> index;

    Session(Kernel kernel, LoadOptions options, Path tree) {
        this.kernel = kernel;
        this.options = options;
        this.tree = tree;
    }

    Kernel kernel() {
        return kernel;
    }

    /** insmod FILE. */
    boolean insmod(Path file, PrintWriter err) throws IOException {
        try {
            kernel.load(file.getFileName().toString(), ByteBuffer.wrap(Files.readAllBytes(file)), options);
            return true;
        } catch (KernelException e) {
            err.println("insmod: ERROR: could not insert module " + file + ": " + insertError(e.errno()));
            err.println("insmod: " + e.errno() + ": " + e.getMessage());
            return false;
        }
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
        if (m.isEmpty()) {
            err.println("rmmod: ERROR: Module " + module + " is not currently loaded");
            return false;
        }
        if (!force && !m.get().usedBy().isEmpty()) {
            err.println("rmmod: ERROR: Module " + module + " is in use by: " + String.join(" ", m.get().usedBy()));
            return false;
        }
        if (!force && m.get().refcount() > 0) {
            err.println("rmmod: ERROR: Module " + module + " is in use");
            return false;
        }
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

    /** lsmod, as kmod prints it. */
    void lsmod(PrintWriter out) {
        out.println("Module                  Size  Used by");
        for (ModuleView m : kernel.modules()) {
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
        if (tree == null) {
            err.println("modprobe: ERROR: no module tree: pass --tree DIR");
            return false;
        }
        String module = name.replace('-', '_');
        Path file = index().get(module);
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
            Path p = index().get(m);
            try {
                kernel.load(p.getFileName().toString(), ByteBuffer.wrap(Files.readAllBytes(p)), options);
            } catch (KernelException e) {
                err.println("modprobe: ERROR: could not insert '" + m + "': " + insertError(e.errno())
                        + (e.errno() == Errno.ENOENT ? ", or unknown parameter (see dmesg)" : ""));
                err.println("modprobe: " + e.errno() + ": " + e.getMessage());
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
        Path p = index().get(module);
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

    /** Module name (file name, '-' as '_') to path, for every .ko under the tree. */
    private Map<String, Path> index() throws IOException {
        if (index == null) {
            Map<String, Path> m = new HashMap<>();
            try (Stream<Path> s = Files.walk(tree)) {
                s.filter(p -> p.getFileName().toString().endsWith(".ko")).sorted().forEach(p -> {
                    String f = p.getFileName().toString();
                    m.putIfAbsent(f.substring(0, f.length() - 3).replace('-', '_'), p);
                });
            }
            index = m;
        }
        return index;
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
