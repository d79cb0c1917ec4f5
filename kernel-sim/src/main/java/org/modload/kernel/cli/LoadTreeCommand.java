package org.modload.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.modload.kernel.Kernel;
import org.modload.kernel.tree.TreeLoader;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code modload load-tree}: boots a kernel and loads every {@code .ko} under a tree in
 * dependency order, independent modules in parallel with {@code --threads N}; one line per
 * failure (module, errno, located reason), then {@code loaded N of M modules}.
 */
@Command(name = "load-tree", description = "Boot a kernel and load every module of a tree in dependency order.")
final class LoadTreeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KernelOptions kernelOptions;

    @Option(names = "--tree", paramLabel = "DIR", required = true, description = "The module tree (searched for .ko files).")
    Path tree;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Load modules whose dependencies are done on N threads at once (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (threads < 1) {
            throw new UsageException("--threads must be at least 1, not " + threads);
        }
        Kernel kernel = kernelOptions.boot();
        List<Path> modules;
        try (Stream<Path> s = Files.walk(tree)) {
            modules = s.filter(p -> p.getFileName().toString().endsWith(".ko") && Files.isRegularFile(p)).sorted()
                    .toList();
        }
        TreeLoader.Result r = TreeLoader.load(kernel, modules, kernelOptions.loadOptions(), threads);
        for (TreeLoader.Failure f : r.failures()) {
            out.println(f.module() + "\t" + f.errno() + "\t" + f.reason());
        }
        out.printf("%d symbol CRCs checked against their exporters%n", kernel.crcChecks());
        out.printf("loaded %d of %d modules%n", r.loaded(), r.total());
        return r.loaded() == r.total() ? 0 : 1;
    }
}
