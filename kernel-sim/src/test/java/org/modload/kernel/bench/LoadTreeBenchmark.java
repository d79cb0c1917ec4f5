package org.modload.kernel.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.modload.kernel.Canonical;
import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.boot.KernelBoot;
import org.modload.kernel.image.KernelImage;
import org.modload.kernel.model.KernelConfig;
import org.modload.kernel.tree.TreeLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code load-tree} over a whole module tree ({@code -Dmodload.bench.tree=DIR}, the kernel image
 * {@code -Dmodload.bench.vmlinuz=FILE}) in one JVM: a kernel booted from the image, every module
 * loaded in dependency order with every CRC checked, on {@code threads} threads
 * ({@code load-tree --threads}); the one-thread run is the peer, in the same run
 * ({@code .ci/bench-load-tree} prints the ratio). Setup checks that the parallel load gives the
 * same kernel as the sequential one (modules LIVE, references, holders, exports and kallsyms,
 * addresses taken from each module's base) and prints the heap the loaded kernel retains.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class LoadTreeBenchmark {
    @Param({"1", "2"})
    int threads;

    private List<Path> files;
    private KernelConfig config;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path tree = Path.of(System.getProperty("modload.bench.tree", ""));
        try (Stream<Path> s = Files.walk(tree)) {
            files = s.filter(p -> p.toString().endsWith(".ko")).sorted().collect(Collectors.toList());
        }
        KernelImage image = KernelImage.read(Path.of(System.getProperty("modload.bench.vmlinuz", "")));
        config = KernelBoot.fromImage(image, image.name());
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        Kernel kernel = Kernel.boot(config);
        TreeLoader.Result r = TreeLoader.load(kernel, files, LoadOptions.defaults(), threads);
        System.gc();
        long after = rt.totalMemory() - rt.freeMemory();
        System.out.printf("%n# tree: %d modules, loaded %d on %d threads, %d CRCs checked; heap retained by the loaded"
                + " kernel: %.1f MiB (simulated module memory %.1f MiB)%n", files.size(), r.loaded(), threads,
                kernel.crcChecks(), (after - before) / 1048576.0, kernel.memoryInUse() / 1048576.0);
        if (kernel.modules().size() != r.loaded()) {
            throw new IllegalStateException("kernel lost modules");
        }
        if (threads > 1) {
            Kernel sequential = Kernel.boot(config);
            TreeLoader.Result one = TreeLoader.load(sequential, files, LoadOptions.defaults(), 1);
            List<String> a = Canonical.of(sequential);
            List<String> b = Canonical.of(kernel);
            if (!a.equals(b) || !one.failures().equals(r.failures())) {
                throw new IllegalStateException("threads 1 and " + threads + " loaded different kernels");
            }
            long holders = kernel.modules().stream().mapToLong(m -> m.usedBy().size()).sum();
            System.out.printf("# threads 1 and %d: identical kernels: %d modules LIVE, %d holder edges, %d lines of"
                    + " state and kallsyms compared%n", threads, r.loaded(), holders, a.size());
        }
    }

    @Benchmark
    public void loadTree(Blackhole bh) {
        Kernel kernel = Kernel.boot(config);
        bh.consume(TreeLoader.load(kernel, files, LoadOptions.defaults(), threads));
    }
}
