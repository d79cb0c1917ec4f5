package org.modload.kernel.depmod;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.modload.kernel.compress.ModuleFiles;
import org.modload.loader.elf.ElfFile;

/**
 * The modules of a module directory ({@code lib/modules/VERSION}) and its {@code modules.order},
 * found as kmod's depmod finds them ({@link ModuleDirectory}).
 *
 * @param directory the module directory walked (see {@link ModuleDirectory#resolve}); paths count from it
 * @param modules the modules, in path order
 * @param order the lines of {@code modules.order} as kmod uses them: empty when the file is
 *     absent, and also when its last line lacks a newline (kmod then ignores the whole file)
 * @param duplicates the files left out because a kept module has their name, in path order
 * @param orderFile whether {@code modules.order} exists (kmod warns when it does not)
 * @param corruptOrderLine the number of the line of {@code modules.order} that lacks its newline
 *     (kmod reports it and ignores the file), or 0
 */
public record ModuleTree(Path directory, List<ModuleFile> modules, List<String> order,
        List<ModuleDirectory.Duplicate> duplicates, boolean orderFile, int corruptOrderLine) {

    public ModuleTree {
        Objects.requireNonNull(directory, "directory");
        modules = List.copyOf(modules);
        order = List.copyOf(order);
        duplicates = List.copyOf(duplicates);
    }

    /**
     * Reads every module under {@code dir} as {@link ModuleDirectory#scan} finds them; compressed
     * modules ({@code .ko.gz}, {@code .ko.xz}, {@code .ko.zst}, decided by content) are
     * decompressed by {@link ModuleFiles}. Paths in messages are relative to the directory
     * walked. Unlike kmod, which skips a module it cannot parse, this fails on it.
     *
     * @throws IOException if the directory or a module cannot be read
     * @throws org.modload.loader.diag.MalformedElfException if a module is not a valid ELF object
     * @throws org.modload.kernel.diag.CompressedDataException if a compressed module does not decompress
     * @throws org.modload.kernel.diag.ModuleTreeException if {@code dir} is not a directory
     */
    public static ModuleTree read(Path dir) throws IOException {
        return read(ModuleDirectory.scan(dir));
    }

    /**
     * As {@link #read(Path)}, but {@code dir} is the module directory itself, walked as it is
     * (kmod's {@code BASEDIR/lib/modules/RELEASE}), never resolved to a release below it.
     */
    public static ModuleTree readRelease(Path dir) throws IOException {
        return read(ModuleDirectory.scanRelease(dir));
    }

    /**
     * The modules named on depmod's command line (absolute paths), in that order, with the
     * module directory's {@code modules.order}: a file under {@code dir} keeps its path relative
     * to it, any other its absolute path, as kmod's {@code relpath}.
     */
    public static ModuleTree ofFiles(Path dir, String dirname, List<String> files) throws IOException {
        List<String> paths = new ArrayList<>();
        for (String f : files) {
            paths.add(f.startsWith(dirname + "/") ? f.substring(dirname.length() + 1) : f);
        }
        return read(dir, paths, List.of());
    }

    private static ModuleTree read(ModuleDirectory found) throws IOException {
        return read(found.root(), found.modules(), found.duplicates());
    }

    private static ModuleTree read(Path root, List<String> paths, List<ModuleDirectory.Duplicate> duplicates)
            throws IOException {
        // Read in parallel, but report the first failure in path order, whatever thread hit it.
        List<Object> loaded = paths.parallelStream().map(p -> {
            try {
                return (Object) load(root, p);
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
        Path orderFile = root.resolve("modules.order");
        int corrupt = corruptLine(orderFile);
        return new ModuleTree(root, modules, corrupt > 0 ? List.of() : order(orderFile), duplicates,
                Files.isRegularFile(orderFile), corrupt);
    }

    /** Computes this tree's dependencies; see {@link Depmod#compute}. */
    public DepmodResult depmod(Set<String> kernelSymbols) {
        return Depmod.compute(modules, order, kernelSymbols);
    }

    /** Computes what kmod's depmod computes for this tree; see {@link Depmod#compute(List, List, DepmodConfig)}. */
    public DepmodResult depmod(DepmodConfig config) {
        return Depmod.compute(modules, order, config);
    }

    /** kmod's report of this tree's dependency cycles; see {@link Depmod#cycleReport}. */
    public List<String> cycleReport(DepmodConfig config) {
        return Depmod.cycleReport(modules, order, config);
    }

    private static ModuleFile load(Path dir, String path) throws IOException {
        ByteBuffer image = ModuleFiles.read(dir.resolve(path), path);
        ElfFile elf = ElfFile.parse(path, image);
        return new ModuleFile(path, ModuleFile.nameOf(path), ModuleSymbols.of(elf), ModinfoStrings.read(elf));
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

    /** The number of the last line when it lacks its newline (kmod's "corrupted line"), else 0. */
    private static int corruptLine(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        byte[] b = Files.readAllBytes(file);
        if (b.length == 0 || b[b.length - 1] == '\n') {
            return 0;
        }
        int lines = 1;
        for (byte c : b) {
            if (c == '\n') {
                lines++;
            }
        }
        return lines;
    }
}
