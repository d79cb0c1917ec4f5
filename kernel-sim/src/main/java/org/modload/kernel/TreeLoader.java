package org.modload.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.modload.kernel.modinfo.MalformedModuleException;
import org.modload.loader.diag.LoaderException;
import org.modload.loader.elf.ElfFile;

/**
 * Loads a whole module tree into one kernel, each module after the modules its
 * {@code .modinfo depends} names (as modprobe would), in path order otherwise.
 */
public final class TreeLoader {

    /** One module that did not load. */
    public record Failure(String module, Errno errno, String reason) {
    }

    /** The outcome of loading a tree. */
    public record Result(int loaded, int total, List<Failure> failures) {
        public Result {
            failures = List.copyOf(failures);
        }
    }

    private TreeLoader() {
    }

    /** Loads every file of {@code modules} into {@code kernel} in dependency order. */
    public static Result load(Kernel kernel, List<Path> modules, LoadOptions options) {
        Map<String, Path> byName = new TreeMap<>();
        Map<String, List<String>> depends = new HashMap<>();
        List<Failure> failures = new ArrayList<>();
        for (Path p : modules) {
            String file = p.getFileName().toString();
            try {
                ByteBuffer bytes = map(p);
                ElfFile obj = ElfFile.parse(file, ModuleReader.withoutSignature(file, bytes));
                ModuleFacts facts = ModuleReader.facts(file, obj, ModuleReader.isSigned(bytes));
                byName.put(facts.name(), p);
                depends.put(facts.name(), facts.depends());
            } catch (LoaderException | KernelException | MalformedModuleException e) {
                failures.add(new Failure(ModuleReader.stripKo(file), Errno.ENOEXEC, e.getMessage()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<String> order = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String name : byName.keySet()) {
            visit(name, depends, seen, order);
        }
        int loaded = 0;
        Map<String, Failure> failed = new LinkedHashMap<>();
        for (String name : order) {
            Path p = byName.get(name);
            if (p == null) {
                continue; // a dependency not in the tree: its users fail on their unknown symbols
            }
            try {
                kernel.load(p.getFileName().toString(), map(p), options);
                loaded++;
            } catch (KernelException e) {
                failed.put(name, new Failure(name, e.errno(), e.getMessage()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        failures.addAll(failed.values());
        return new Result(loaded, modules.size(), failures);
    }

    /** The module names a module file's .modinfo {@code depends} lists. */
    public static List<String> depends(Path file) throws IOException {
        String name = file.getFileName().toString();
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        ElfFile obj = ElfFile.parse(name, ModuleReader.withoutSignature(name, bytes));
        return ModuleReader.facts(name, obj, ModuleReader.isSigned(bytes)).depends();
    }

    /**
     * The file, memory-mapped: a tree is read twice (facts, then the load) and the kernel keeps
     * only the sections it copies, so mapping spares the heap a copy of every file.
     */
    private static ByteBuffer map(Path p) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p,
                java.nio.file.StandardOpenOption.READ)) {
            return ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
    }

    private static void visit(String name, Map<String, List<String>> depends, Set<String> seen, List<String> order) {
        if (!seen.add(name)) {
            return;
        }
        for (String d : depends.getOrDefault(name, List.of())) {
            visit(d, depends, seen, order);
        }
        order.add(name);
    }
}
