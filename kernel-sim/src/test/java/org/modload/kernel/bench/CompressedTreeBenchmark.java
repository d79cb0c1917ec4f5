package org.modload.kernel.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.boot.KernelBoot;
import org.modload.kernel.depmod.ModuleDirectory;
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
 * The cost of reading compressed modules: {@code load-tree} over Debian 13's amd64 tree as the
 * package ships it ({@code .ko.xz}, {@code -Dmodload.bench.compressedTree=DIR}) against the same
 * tree decompressed by {@code xz -d} ({@code -Dmodload.bench.plainTree=DIR}), in one run, booted
 * from the zstd kernel image ({@code -Dmodload.bench.vmlinuz=FILE}); {@code .ci/bench-compressed-tree}
 * prepares the plain copy and prints the ratio. Setup checks that every module of the tree loads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class CompressedTreeBenchmark {
    @Param({"compressed", "decompressed"})
    String tree;

    @Param({"1", "2"})
    int threads;

    private List<Path> files;
    private KernelConfig config;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String property = tree.equals("compressed") ? "modload.bench.compressedTree" : "modload.bench.plainTree";
        files = ModuleDirectory.scanNonEmpty(Path.of(System.getProperty(property, ""))).files();
        KernelImage image = KernelImage.read(Path.of(System.getProperty("modload.bench.vmlinuz", "")));
        config = KernelBoot.fromImage(image, image.name());
        Kernel kernel = Kernel.boot(config);
        TreeLoader.Result r = TreeLoader.load(kernel, files, LoadOptions.defaults(), threads);
        if (r.loaded() != files.size()) {
            throw new IllegalStateException(tree + " tree: loaded " + r.loaded() + " of " + files.size() + ": "
                    + r.failures().stream().limit(3).toList());
        }
        System.out.printf("%n# %s tree: %d modules loaded on %d threads, %d CRCs checked (%s payload)%n", tree,
                r.loaded(), threads, kernel.crcChecks(), image.compression().tool());
    }

    @Benchmark
    public void loadTree(Blackhole bh) {
        Kernel kernel = Kernel.boot(config);
        bh.consume(TreeLoader.load(kernel, files, LoadOptions.defaults(), threads));
    }
}
