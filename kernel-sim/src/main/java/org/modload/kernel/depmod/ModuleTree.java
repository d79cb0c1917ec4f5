package org.modload.kernel.depmod;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import org.modload.kernel.diag.ModuleTreeException;
import org.modload.loader.elf.ElfFile;
import org.tukaani.xz.XZInputStream;

/**
 * The modules of a module directory ({@code lib/modules/VERSION}) and its {@code modules.order},
 * found as kmod's depmod finds them.
 *
 * @param directory the module directory as given
 * @param modules the modules, in path order
 * @param order the lines of {@code modules.order} as kmod uses them: empty when the file is
 *     absent, and also when its last line lacks a newline (kmod then ignores the whole file)
 */
public record ModuleTree(Path directory, List<ModuleFile> modules, List<String> order) {

    private static final List<String> MODULE_SUFFIXES = List.of(".ko", ".ko.gz", ".ko.xz", ".ko.zst");
    /** Directory entries depmod never descends into or reads, at any depth. */
    private static final Set<String> SKIPPED = Set.of("build", "source");
    /** Without a depmod.d configuration kmod searches "updates" first: a module there wins. */
    private static final String UPDATES = "updates";

    public ModuleTree {
        Objects.requireNonNull(directory, "directory");
        modules = List.copyOf(modules);
        order = List.copyOf(order);
    }

    /**
     * Reads every module under {@code dir}, following symbolic links and skipping entries named
     * {@code build} or {@code source}, as kmod does with no {@code depmod.d} configuration. A
     * module file is one named {@code *.ko}, {@code *.ko.gz} or {@code *.ko.xz} (decompressed
     * here); when two files give the same module name, the first one found (depth first, each
     * directory's entries in name order) is kept unless a later one lies under {@code updates}.
     * kmod keeps the first in {@code readdir} order instead, which no tree should depend on. Paths
     * in messages are relative to {@code dir}. Unlike kmod, which skips a module it cannot parse,
     * this fails on it.
     *
     * @throws IOException if the directory or a module cannot be read
     * @throws org.modload.loader.diag.MalformedElfException if a module is not a valid ELF object
     * @throws ModuleTreeException if {@code dir} is not a directory, or for a {@code .ko.zst}
     *     module (zstd is not supported)
     */
    public static ModuleTree read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw ModuleTreeException.of(dir.toString(), "not a directory");
        }
        Map<String, String> chosen = new LinkedHashMap<>();
        walk(dir, "", new HashSet<>(Set.of(dir.toRealPath())), chosen);
        List<String> paths = new ArrayList<>(chosen.values());
        paths.sort(null);

        // Read in parallel, but report the first failure in path order, whatever thread hit it.
        List<Object> loaded = paths.parallelStream().map(p -> {
            try {
                return (Object) load(dir, p);
            } catch (IOException | RuntimeException e) {
                return e;
            }
        }).toList();
        List<ModuleFile> modules = new ArrayList<>(loaded.size());
        for (Object o : loaded) {
            if (o instanceof IOException e) {
                throw e;
            }
            if (o instanceof RuntimeException e) {
                throw e;
            }
            modules.add((ModuleFile) o);
        }
        return new ModuleTree(dir, modules, order(dir.resolve("modules.order")));
    }

    /** Computes this tree's dependencies; see {@link Depmod#compute}. */
    public DepmodResult depmod(Set<String> kernelSymbols) {
        return Depmod.compute(modules, order, kernelSymbols);
    }

    private static void walk(Path dir, String rel, Set<Path> seen, Map<String, String> chosen) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(entries::add);
        }
        entries.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        for (Path p : entries) {
            String name = p.getFileName().toString();
            if (SKIPPED.contains(name)) {
                continue;
            }
            if (Files.isDirectory(p)) {
                // A symbolic link back up the tree would otherwise recurse forever.
                if (seen.add(p.toRealPath())) {
                    walk(p, rel + name + "/", seen, chosen);
                }
            } else if (Files.isRegularFile(p) && isModuleFile(name)) {
                String path = rel + name;
                String modname = ModuleFile.nameOf(path);
                String old = chosen.get(modname);
                if (old == null || path.startsWith(UPDATES)) {
                    chosen.put(modname, path);
                }
            }
        }
    }

    private static boolean isModuleFile(String name) {
        return MODULE_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    private static ModuleFile load(Path dir, String path) throws IOException {
        Path file = dir.resolve(path);
        byte[] bytes;
        if (path.endsWith(".ko.zst")) {
            throw ModuleTreeException.of(path, "zstd-compressed modules are not supported");
        } else if (path.endsWith(".ko.xz")) {
            try (InputStream in = new XZInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                bytes = in.readAllBytes();
            }
        } else if (path.endsWith(".ko.gz")) {
            try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                bytes = in.readAllBytes();
            }
        } else {
            bytes = Files.readAllBytes(file);
        }
        ElfFile elf = ElfFile.parse(path, ByteBuffer.wrap(bytes));
        return ModuleFile.of(path, ModuleSymbols.of(elf));
    }

    private static List<String> order(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.isEmpty() || !text.endsWith("\n")) {
            return List.of();
        }
        return List.of(text.substring(0, text.length() - 1).split("\n", -1));
    }
}
