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
 */
public record ModuleTree(Path directory, List<ModuleFile> modules, List<String> order,
        List<ModuleDirectory.Duplicate> duplicates) {

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
        ModuleDirectory found = ModuleDirectory.scan(dir);
        Path root = found.root();
        // Read in parallel, but report the first failure in path order, whatever thread hit it.
        List<Object> loaded = found.modules().parallelStream().map(p -> {
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
        return new ModuleTree(root, modules, order(root.resolve("modules.order")), found.duplicates());
    }

    /** Computes this tree's dependencies; see {@link Depmod#compute}. */
    public DepmodResult depmod(Set<String> kernelSymbols) {
        return Depmod.compute(modules, order, kernelSymbols);
    }

    private static ModuleFile load(Path dir, String path) throws IOException {
        ByteBuffer image = ModuleFiles.read(dir.resolve(path), path);
        ElfFile elf = ElfFile.parse(path, image);
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
