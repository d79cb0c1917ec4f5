package org.modload.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.modload.kernel.Kernel;
import org.modload.kernel.depmod.ModuleDirectory;
import org.modload.kernel.model.Errno;
import org.modload.kernel.tree.TreeLoader;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code modload load-tree}: boots a kernel and loads every module under a tree (found as depmod
 * finds them: {@code .ko}, {@code .ko.gz}, {@code .ko.xz}, {@code .ko.zst}, symbolic links
 * followed) in dependency order, independent modules in parallel with {@code --threads N}; one
 * line per failure (module, errno, located reason; a second file of one module name is
 * {@code EEXIST}), then {@code loaded N of M modules}. A tree without modules is an error.
 */
@Command(name = "load-tree", mixinStandardHelpOptions = true, version = "modload 0.1.0", description = "Boot a kernel and load every module of a tree in dependency order.")
final class LoadTreeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KernelOptions kernelOptions;

    @Option(names = "--tree", paramLabel = "DIR", required = true, description = "The module tree: lib/modules/VERSION,"
            + " lib/modules, or a root whose lib/modules or usr/lib/modules holds one release (searched for .ko, .ko.gz,"
            + " .ko.xz and .ko.zst files, symbolic links followed).")
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
        ModuleDirectory found = ModuleDirectory.scanNonEmpty(tree);
        Kernel kernel = kernelOptions.boot();
        TreeLoader.Result r = TreeLoader.load(kernel, found.files(), kernelOptions.loadOptions(), threads);
        // A second file of a name is not loaded (depmod keeps one per name), but it is reported.
        for (ModuleDirectory.Duplicate d : found.duplicates()) {
            out.println(d.name() + "\t" + Errno.EEXIST + "\t" + d.path() + ": duplicate module name " + d.name()
                    + ", also " + d.kept() + " (loaded instead)");
        }
        for (TreeLoader.Failure f : r.failures()) {
            out.println(f.module() + "\t" + f.errno() + "\t" + f.reason());
        }
        int total = r.total() + found.duplicates().size();
        out.printf("%d symbol CRCs checked against their exporters%n", kernel.crcChecks());
        out.printf("loaded %d of %d modules%n", r.loaded(), total);
        return r.loaded() == total ? 0 : 1;
    }
}
