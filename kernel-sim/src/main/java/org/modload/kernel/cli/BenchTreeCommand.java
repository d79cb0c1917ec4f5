package org.modload.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

import org.modload.kernel.Kernel;
import org.modload.kernel.boot.SyntheticSymbols;
import org.modload.kernel.compress.ModuleFiles;
import org.modload.kernel.depmod.ModuleDirectory;
import org.modload.kernel.tree.TreeLoader;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;
import org.modload.loader.spi.Profile;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code modload bench-tree}: one phase over every module of a tree, several passes in one JVM,
 * as a user's machine runs it (files read from disk each pass, compressed ones decompressed).
 * {@code parse} reads and parses each file; {@code link} also links it alone with the KERNEL
 * profile at Linux's layout, every import given its {@link SyntheticSymbols} address (the JMH
 * {@code LinkTreeBenchmark}'s work, files read included; the KERNEL options are not used);
 * {@code load} boots the KERNEL afresh each pass and loads the tree as {@code load-tree} does.
 *
 * <p>Prints, for the warm passes: modules/s, relocations/s (entries of relocation sections that
 * patch an allocated section), bytes read per pass (the module files' sizes), bytes allocated
 * per module (every thread's allocation during the passes, from the JDK's per-thread counters,
 * so not noisy), the peak heap (the heap pools' peaks summed), then {@code cold: <ms> ms} (the
 * first pass, JIT warming included) and {@code warm: <ms> ms} (the median of the later passes).
 * Times are for comparing runs made together, never a goal on their own.
 */
@Command(name = "bench-tree", description = "Run parse, link or load over a whole module tree several times in one JVM"
        + " and print rates, allocation, peak heap, cold and warm times.")
final class BenchTreeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KernelOptions kernelOptions;

    @Option(names = "--tree", paramLabel = "DIR", required = true, description = "The module tree, as load-tree takes it.")
    Path tree;

    @Option(names = "--passes", paramLabel = "N", defaultValue = "5",
            description = "Passes over the tree; the first is cold, the median of the rest warm (default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Threads working on independent modules (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--phase", paramLabel = "PHASE", defaultValue = "link",
            description = "parse, link or load (default: ${DEFAULT-VALUE}).")
    String phase;

    /** The pool's threads, kept for the whole run so that their allocation counters can be read. */
    private final List<Thread> workers = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (passes < 1) {
            throw new UsageException("--passes must be at least 1, not " + passes);
        }
        if (threads < 1) {
            throw new UsageException("--threads must be at least 1, not " + threads);
        }
        if (!List.of("parse", "link", "load").contains(phase)) {
            throw new UsageException("--phase: no phase '" + phase + "' (parse, link, load)");
        }
        ModuleDirectory found = ModuleDirectory.scanNonEmpty(tree);
        List<Path> files = found.files();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        ExecutorService pool = Executors.newFixedThreadPool(threads, recording());
        long[] millis = new long[passes];
        long allocated = 0;
        int failures = 0;
        try {
            Architectures archs = Architectures.installed();
            for (int pass = 0; pass < passes; pass++) {
                // The kernel is booted outside the timed pass, as load-tree's boot is not the tree's work.
                Kernel kernel = phase.equals("load") ? kernelOptions.boot() : null;
                long[] ids = threadIds();
                long before = allocated(mx, ids);
                long start = System.nanoTime();
                failures = run(archs, files, kernel, pool);
                millis[pass] = (System.nanoTime() - start) / 1_000_000;
                if (pass > 0 || passes == 1) {
                    allocated += allocated(mx, threadIds()) - before;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        long[] measured = Arrays.copyOfRange(millis, passes == 1 ? 0 : 1, passes);
        long warm = median(measured);
        int measuredPasses = measured.length;
        Totals t = totals(files);
        double seconds = Math.max(warm, 1) / 1000.0;
        out.printf("phase: %s, %d modules, %d thread%s, %d passes%n", phase, files.size(), threads,
                threads == 1 ? "" : "s", passes);
        if (failures > 0) {
            out.printf("failed: %d modules%n", failures);
        }
        out.printf("modules/s: %.0f%n", files.size() / seconds);
        out.printf("relocations/s: %.0f (%d relocations per pass)%n", t.relocations / seconds, t.relocations);
        out.printf("bytes read: %d per pass%n", t.bytes);
        out.printf("bytes allocated per module: %d (%d per pass)%n", allocated / measuredPasses / files.size(),
                allocated / measuredPasses);
        out.printf("peak heap: %d bytes%n", peak);
        out.printf("cold: %d ms%n", millis[0]);
        out.printf("warm: %d ms%n", warm);
        return failures == 0 ? 0 : 1;
    }

    /** One pass; returns the number of modules that failed to load (a parse or link failure throws). */
    private int run(Architectures archs, List<Path> files, Kernel kernel, ExecutorService pool) {
        if (kernel != null) {
            TreeLoader.Result r = TreeLoader.load(kernel, files, kernelOptions.loadOptions(), pool, threads);
            return r.total() - r.loaded();
        }
        boolean link = phase.equals("link");
        Map<Architecture, LinkEngine> engines = new HashMap<>();
        List<Future<?>> done = new ArrayList<>();
        // One task per thread, each taking every threads-th module: no per-module queueing cost.
        for (int t = 0; t < threads; t++) {
            int first = t;
            done.add(pool.submit(() -> {
                for (int i = first; i < files.size(); i += threads) {
                    Path p = files.get(i);
                    String name = p.getFileName().toString();
                    ElfFile obj = ElfFile.parse(name, ModuleFiles.read(p));
                    if (link) {
                        Architecture arch = archs.require(obj.machine(), name);
                        LinkEngine engine;
                        synchronized (engines) {
                            engine = engines.computeIfAbsent(arch, LinkEngine::new);
                        }
                        engine.link(obj, Profile.KERNEL, new LayoutPolicy.Linux(arch.moduleAreaBase()),
                                SyntheticSymbols.forArchitecture(arch));
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException r) {
                    throw r;
                }
                if (c instanceof IOException io) {
                    throw new java.io.UncheckedIOException(io);
                }
                throw new IllegalStateException(c);
            }
        }
        return 0;
    }

    private record Totals(long bytes, long relocations) {
    }

    /** Counted after the passes, so that the first pass stays cold. */
    private static Totals totals(List<Path> files) throws IOException {
        long bytes = 0;
        long relocations = 0;
        for (Path p : files) {
            bytes += Files.size(p);
            ByteBuffer image = ModuleFiles.read(p);
            ElfFile obj = ElfFile.parse(p.getFileName().toString(), image);
            for (RelocationSection rs : obj.relocationSections()) {
                if (rs.target().isAllocated()) {
                    relocations += rs.size();
                }
            }
        }
        return new Totals(bytes, relocations);
    }

    private ThreadFactory recording() {
        ThreadFactory defaults = Executors.defaultThreadFactory();
        return r -> {
            Thread t = defaults.newThread(r);
            synchronized (workers) {
                workers.add(t);
            }
            return t;
        };
    }

    /** The calling thread and the pool's. */
    private long[] threadIds() {
        synchronized (workers) {
            long[] ids = new long[workers.size() + 1];
            ids[0] = Thread.currentThread().getId();
            for (int i = 0; i < workers.size(); i++) {
                ids[i + 1] = workers.get(i).getId();
            }
            return ids;
        }
    }

    /** What the threads allocated so far; a thread not started yet counts 0. */
    private static long allocated(com.sun.management.ThreadMXBean mx, long[] ids) {
        long sum = 0;
        for (long a : mx.getThreadAllocatedBytes(ids)) {
            sum += Math.max(a, 0);
        }
        return sum;
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
