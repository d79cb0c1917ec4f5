package org.modload.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;

import org.modload.kernel.depmod.DepmodResult;
import org.modload.kernel.depmod.ModuleDependencies;
import org.modload.kernel.depmod.ModuleDirectory;
import org.modload.kernel.depmod.ModuleTree;
import org.modload.kernel.diag.DependencyCycleException;
import org.modload.kernel.image.KernelExport;
import org.modload.kernel.image.KernelImage;
import org.modload.kernel.symvers.ModuleSymvers;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code modload depmod --tree DIR --symvers SYMVERS [--kernel-image VMLINUZ] [-e]}: the
 * {@code modules.dep} of a module tree on standard output, line for line what kmod's
 * {@code depmod -n} writes as its first file.
 */
@Command(name = "depmod", mixinStandardHelpOptions = true, version = KmodVersion.TEXT, description = {
    "Print the modules.dep of a module tree as kmod's depmod writes it: one 'path: dependencies' line per"
            + " module, paths relative to the tree, modules in modules.order order, dependencies in kmod's order.",
    "A dependency cycle is an error, as it is for kmod."})
final class DepmodCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--tree", paramLabel = "DIR", required = true,
            description = "The module directory, as lib/modules/VERSION (or a root whose lib/modules or usr/lib/modules"
                    + " holds one release): every .ko (.ko.gz, .ko.xz, .ko.zst) under it is read, symbolic links followed,"
                    + " except under build/ and source/; its modules.order, if any, orders the output.")
    Path tree;

    @Option(names = {"-E", "--symvers"}, paramLabel = "SYMVERS",
            description = "The kernel's Module.symvers (checked line by line): its vmlinux symbols are the kernel's"
                    + " exports, which never make dependencies; with -e they are not reported unknown. Optional, as"
                    + " kmod's -E: modules.dep does not need it; -e without it or an image warns as kmod does.")
    Path symvers;

    @Option(names = "--kernel-image", paramLabel = "VMLINUZ",
            description = "The kernel image (x86 bzImage). Not needed for modules.dep (kmod reads no image either);"
                    + " if given, its export tables add to the kernel's exports for -e.")
    Path kernelImage;

    @Option(names = {"-e", "--errsyms"},
            description = "Also report, on standard error, each symbol a module needs that neither a module nor the"
                    + " kernel exports (as 'depmod -e -E SYMVERS' does; the exit status stays 0).")
    boolean errsyms;

    @Override
    public Integer call() throws IOException {
        Set<String> kernel = new LinkedHashSet<>();
        if (symvers != null) {
            kernel.addAll(ModuleSymvers.read(symvers).kernelSymbolNames());
        }
        if (kernelImage != null) {
            for (KernelExport e : KernelImage.read(kernelImage).exports()) {
                kernel.add(e.name());
            }
        }
        ModuleTree modules = ModuleTree.read(tree);
        PrintWriter err = spec.commandLine().getErr();
        // kmod keeps one file per name without a word; saying which one is kept costs nothing on stdout.
        for (ModuleDirectory.Duplicate d : modules.duplicates()) {
            err.println("modload: warning: " + d.path() + ": duplicate module name " + d.name() + ", also " + d.kept()
                    + " (modules.dep lists that one)");
        }
        err.flush();
        DepmodResult result;
        try {
            result = modules.depmod(kernel);
        } catch (DependencyCycleException e) {
            // The cycle names modules relative to the tree; say which tree.
            err.println(tree + ": " + e.getMessage());
            err.flush();
            return Failures.INPUT;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(result.modulesDep());
        out.flush();
        if (errsyms && symvers == null && kernelImage == null) {
            err.println("depmod: WARNING: -e needs -E or -F");
            err.flush();
        } else if (errsyms) {
            for (ModuleDependencies m : result.modules()) {
                for (String s : m.unknownSymbols()) {
                    err.println("modload: warning: " + modules.directory().resolve(m.path()) + " needs unknown symbol " + s);
                }
            }
            err.flush();
        }
        return 0;
    }
}
