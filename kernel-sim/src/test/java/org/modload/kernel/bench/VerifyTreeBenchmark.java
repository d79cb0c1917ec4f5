package org.modload.kernel.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.modload.kernel.Kernel;
import org.modload.kernel.KernelParameters;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.boot.KernelBoot;
import org.modload.kernel.image.KernelImage;
import org.modload.kernel.model.KernelConfig;
import org.modload.kernel.model.ModuleView;
import org.modload.kernel.model.SignaturePolicy;
import org.modload.kernel.sig.ModuleVerifier;
import org.modload.kernel.sig.VerifiedSignature;
import org.modload.kernel.tree.TreeLoader;
import org.modload.loader.spi.Architectures;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The time to verify a whole module tree ({@code -Dmodload.bench.tree=DIR}) against the key of
 * its kernel ({@code -Dmodload.bench.vmlinuz=FILE}), beside the time to load it, in one run, on
 * one thread each: {@code verifyTree} reads and verifies every module as {@code modload verify}
 * does; {@code loadTree} loads the tree as {@code load-tree} does, signatures checked (the
 * default policy, so the load includes the verification); {@code loadTreeUnchecked} loads it
 * with signatures ignored ({@code CONFIG_MODULE_SIG=n}). Each measured operation makes its own
 * verifier or kernel, as a command run does. {@code .ci/bench-verify-tree} prints the ratios.
 * Setup checks that every module verifies and that both loads leave every module LIVE.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class VerifyTreeBenchmark {
    private List<Path> files;
    private KernelConfig config;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path tree = Path.of(System.getProperty("modload.bench.tree", ""));
        try (Stream<Path> s = Files.walk(tree)) {
            files = s.filter(p -> p.toString().endsWith(".ko")).sorted().collect(Collectors.toList());
        }
        KernelImage image = KernelImage.read(Path.of(System.getProperty("modload.bench.vmlinuz", "")));
        config = KernelBoot.fromImage(image, KernelBoot.release(image));
        int verified = verify(v -> { });
        if (verified != files.size()) {
            throw new IllegalStateException(verified + " of " + files.size() + " modules verified");
        }
        for (SignaturePolicy p : List.of(SignaturePolicy.WARN, SignaturePolicy.IGNORE)) {
            Kernel k = boot(p);
            TreeLoader.Result r = TreeLoader.load(k, files, LoadOptions.defaults(), 1);
            long tainted = k.modules().stream().map(ModuleView::taintLetters).filter(t -> t.contains("E")).count();
            if (r.loaded() != files.size() || tainted != 0) {
                throw new IllegalStateException(p + ": loaded " + r.loaded() + " of " + files.size() + ", " + tainted
                        + " tainted E");
            }
        }
        System.out.printf("%n# tree: %d modules, every one verified against %s; loaded with signatures checked and"
                + " ignored, none tainted E%n", files.size(), config.keyring().keys().get(0).description());
    }

    private Kernel boot(SignaturePolicy policy) {
        return Kernel.boot(config, Architectures.installed(), KernelParameters.defaults().withSignaturePolicy(policy));
    }

    private int verify(Consumer<VerifiedSignature> sink) throws IOException {
        ModuleVerifier verifier = new ModuleVerifier();
        int n = 0;
        for (Path p : files) {
            sink.accept(verifier.verify(p.getFileName().toString(), ByteBuffer.wrap(Files.readAllBytes(p)),
                    config.keyring()));
            n++;
        }
        return n;
    }

    @Benchmark
    public void verifyTree(Blackhole bh) throws IOException {
        verify(bh::consume);
    }

    @Benchmark
    public void loadTree(Blackhole bh) {
        bh.consume(TreeLoader.load(boot(SignaturePolicy.WARN), files, LoadOptions.defaults(), 1));
    }

    @Benchmark
    public void loadTreeUnchecked(Blackhole bh) {
        bh.consume(TreeLoader.load(boot(SignaturePolicy.IGNORE), files, LoadOptions.defaults(), 1));
    }
}
