package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.Canonical;
import org.modload.kernel.Corpora;
import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.boot.KernelBoot;
import org.modload.kernel.image.KernelImage;
import org.modload.kernel.model.KernelConfig;
import org.modload.kernel.tree.TreeLoader;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.testing.ExternalTools;

/**
 * Every module of Debian 12's amd64 and 686 trees and of Debian 13's amd64 tree (its {@code .ko.xz}
 * files as they are, its zstd vmlinuz) loads into one kernel booted from its vmlinuz, every CRC checked.
 */
@Tag("corpus")
class LoadTreeCorpusTest {

    @TempDir
    Path scratch;

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "686", "trixie-amd64"})
    void wholeTreeLoads(String flavour) {
        Path corpus = ExternalTools.corpus(flavour);
        Path vmlinuz = find(corpus.resolve("root/boot"), "vmlinuz-");
        KernelImage image = KernelImage.read(vmlinuz);
        System.out.println(flavour + ": vermagic '" + image.vermagic().orElse("?") + "', struct module size "
                + image.structModuleSize());
        Kernel kernel = Kernel.boot(KernelBoot.fromImage(image, vmlinuz.getFileName().toString().substring(8)));
        List<Path> modules = Corpora.modules(corpus);
        long start = System.nanoTime();
        TreeLoader.Result r = TreeLoader.load(kernel, modules, LoadOptions.defaults());
        System.out.printf("load-tree: %s loaded %d of %d modules in %.1f s, %d symbol CRCs checked, %d bytes of module"
                + " memory%n", flavour, r.loaded(), r.total(), (System.nanoTime() - start) / 1e9, kernel.crcChecks(),
                kernel.memoryInUse());
        for (org.modload.kernel.model.ModuleView m : kernel.modules()) {
            assertEquals(true, kernel.addressBits() == 64 || m.coreBase() + m.size() <= 1L << 32,
                    m.name() + " placed beyond the 32-bit address space");
        }
        // Counted on the plain modules, Debian 13's decompressed by xz -dc.
        long versioned = modules.parallelStream().mapToLong(p -> versionEntries(p, scratch)).sum();
        System.out.printf("load-tree: %s: %d __versions entries in the tree%n", flavour, versioned);
        assertEquals(versioned, kernel.crcChecks(), "every __versions entry compared with its exporter's CRC");
        String failures = r.failures().stream().limit(20).map(f -> f.module() + " " + f.errno() + " " + f.reason())
                .collect(Collectors.joining("\n  ", "\n  ", ""));
        assertEquals(r.total(), r.loaded(), flavour + ": " + r.failures().size() + " failures:" + failures);
    }

    /**
     * load-tree on two threads against one: the same modules LIVE with the same references,
     * holders, uses, exports and kallsyms (addresses from each module's base: the module area
     * is handed out in load order) and the same failures.
     */
    @ParameterizedTest
    @ValueSource(strings = {"amd64", "686"})
    void twoThreadsLoadTheSameKernelAsOne(String flavour) {
        Path corpus = ExternalTools.corpus(flavour);
        KernelImage image = KernelImage.read(find(corpus.resolve("root/boot"), "vmlinuz-"));
        KernelConfig config = KernelBoot.fromImage(image, KernelBoot.release(image));
        List<Path> modules = ExternalTools.corpusModules(corpus);
        long t0 = System.nanoTime();
        Kernel one = Kernel.boot(config);
        TreeLoader.Result r1 = TreeLoader.load(one, modules, LoadOptions.defaults(), 1);
        long t1 = System.nanoTime();
        Kernel two = Kernel.boot(config);
        TreeLoader.Result r2 = TreeLoader.load(two, modules, LoadOptions.defaults(), 2);
        long t2 = System.nanoTime();
        List<String> a = Canonical.of(one);
        List<String> b = Canonical.of(two);
        System.out.printf("load-tree %s: 1 thread %.1f s, 2 threads %.1f s (one run each, not a benchmark); %d modules"
                + " LIVE, %d lines of state compared%n", flavour, (t1 - t0) / 1e9, (t2 - t1) / 1e9, r2.loaded(), a.size());
        assertEquals(r1, r2);
        assertEquals(r1.total(), r2.loaded());
        assertEquals(a, b);
    }

    /**
     * The README's command: {@code modload load-tree --tree DIR --symvers SYMVERS --kernel-image VMLINUZ};
     * Debian 13's tree given as its unpacked root, whose usr/lib/modules holds it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"amd64", "686", "trixie-amd64"})
    void loadTreeCommandWithSymversAndImage(String flavour) {
        Path corpus = ExternalTools.corpus(flavour);
        Path symvers;
        try (Stream<Path> s = Files.walk(corpus.resolve("root/usr/src"))) {
            symvers = s.filter(p -> p.getFileName().toString().equals("Module.symvers")).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        Path tree = Files.isDirectory(corpus.resolve("root/lib/modules")) ? corpus.resolve("root/lib/modules")
                : corpus.resolve("root");
        int status = org.modload.kernel.cli.Main.run(new String[] {"load-tree", "--tree",
            tree.toString(), "--symvers", symvers.toString(), "--kernel-image",
            find(corpus.resolve("root/boot"), "vmlinuz-").toString()},
                new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        List<String> lines = out.toString().lines().toList();
        System.out.println("modload load-tree (" + flavour + "): " + String.join(" / ", lines.subList(
                Math.max(0, lines.size() - 2), lines.size())));
        int total = Corpora.modules(corpus).size();
        assertEquals("loaded " + total + " of " + total + " modules", lines.get(lines.size() - 1), out + err.toString());
        assertEquals(0, status);
    }

    /**
     * The entries of a module's __versions table (64 bytes each), read with the ELF reader from
     * the plain module ({@link Corpora#plain}: a compressed one as the distribution's tool restores it).
     */
    static long versionEntries(Path module, Path scratch) {
        try {
            Path plain = Corpora.plain(module, scratch.resolve(Long.toString(Thread.currentThread().getId())));
            byte[] bytes = Files.readAllBytes(plain);
            if (!plain.equals(module)) {
                Files.delete(plain);
            }
            ElfFile obj = ElfFile.parse(module.getFileName().toString(), ByteBuffer.wrap(bytes));
            return obj.section("__versions").map(s -> s.size() / 64).orElse(0L);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path find(Path dir, String prefix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
