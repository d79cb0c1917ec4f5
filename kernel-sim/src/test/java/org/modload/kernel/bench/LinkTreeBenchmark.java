package org.modload.kernel.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.modload.kernel.boot.SyntheticSymbols;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadPlan;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.ResolvedSymbols;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;
import org.modload.loader.spi.Profile;
import org.modload.loader.testing.LdDifferential;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Links every {@code .ko} of a module tree ({@code -Dmodload.bench.tree=DIR}) in one JVM, single
 * threaded, with the KERNEL profile and Linux layout, undefined symbols from
 * {@link SyntheticSymbols}. {@code linkTree} is the whole job from bytes in memory (parse, plan,
 * resolve, relocate); {@code relocateTree} is the relocation pass alone (plans and symbol
 * values made in setup), whose time divided into the printed relocation count is the
 * relocation rate. Peers in the same run, one process per module as a build would run them:
 * {@code gnuLdTree}, GNU ld linking every module at the same addresses (the differential
 * oracle's ld command; the objcopy copies and scripts are made in setup), and
 * {@code rtdyldTree}, LLVM's RuntimeDyld ({@code llvm-rtdyld --verify}, Debian's llvm package)
 * loading and relocating every module in its own process with every undefined symbol given
 * ({@code --dummy-extern}) at the same address. {@code -Dmodload.bench.ld=false} skips both.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class LinkTreeBenchmark {
    private final List<String> names = new ArrayList<>();
    private final List<ByteBuffer> loaded = new ArrayList<>();
    private final List<ElfFile> parsed = new ArrayList<>();
    private final List<LoadPlan> plans = new ArrayList<>();
    private final List<ResolvedSymbols> resolved = new ArrayList<>();
    private final List<LinkEngine> engines = new ArrayList<>();
    private final List<SyntheticSymbols> resolvers = new ArrayList<>();
    private final List<LdDifferential.LdJob> ldJobs = new ArrayList<>();
    private final List<List<String>> rtdyldJobs = new ArrayList<>();
    private Path scratch;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path tree = Path.of(System.getProperty("modload.bench.tree", ""));
        List<Path> files;
        try (Stream<Path> s = Files.walk(tree)) {
            files = s.filter(p -> p.toString().endsWith(".ko")).sorted().collect(Collectors.toList());
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no .ko under -Dmodload.bench.tree=" + tree);
        }
        Architectures archs = Architectures.installed();
        boolean withLd = Boolean.parseBoolean(System.getProperty("modload.bench.ld", "true"));
        scratch = Files.createTempDirectory("modload-bench-ld");
        long relocations = 0;
        for (Path p : files) {
            String name = p.getFileName().toString();
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(p));
            ElfFile obj = ElfFile.parse(name, bytes.duplicate());
            Architecture arch = archs.require(obj.machine(), name);
            LinkEngine engine = new LinkEngine(arch);
            SyntheticSymbols symbols = SyntheticSymbols.forArchitecture(arch);
            LoadPlan plan = engine.plan(obj, Profile.KERNEL, new LayoutPolicy.Linux(arch.moduleAreaBase()));
            ResolvedSymbols values = engine.resolve(obj, plan, symbols);
            names.add(name);
            loaded.add(bytes);
            parsed.add(obj);
            engines.add(engine);
            resolvers.add(symbols);
            plans.add(plan);
            resolved.add(values);
            relocations += obj.relocationSections().stream()
                    .filter(r -> plan.section(r.target().index()).isPresent()).mapToLong(r -> r.size()).sum();
            if (withLd) {
                Map<String, Long> layout = new LinkedHashMap<>();
                plan.placed().forEach(x -> layout.put(x.name(), x.address()));
                Map<String, Long> defs = new LinkedHashMap<>();
                values.imported().forEach((n, d) -> defs.put(n, d.address()));
                Path work = Files.createDirectories(scratch.resolve(Integer.toString(ldJobs.size())));
                ldJobs.add(LdDifferential.forMachine(arch.machine()).prepare(p, obj, layout, defs, work));
                List<String> rt = new ArrayList<>(List.of("llvm-rtdyld", "--verify",
                        "--triple=" + (arch.elfClass().equals(ElfClass.ELFCLASS64) ? "x86_64" : "i686") + "-linux-gnu",
                        String.format("--target-addr-start=0x%x", plan.coreBase()),
                        String.format("--target-addr-end=0x%x", plan.coreBase() + 0x10000000L)));
                defs.forEach((n, a) -> rt.add(String.format("--dummy-extern=%s=0x%x", n, a)));
                rt.add(p.toString());
                rtdyldJobs.add(rt);
            }
        }
        long bytes = loaded.stream().mapToLong(ByteBuffer::remaining).sum();
        System.out.printf("%n# tree: %d modules, %d bytes, %d relocations applied per pass%n", files.size(), bytes,
                relocations);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (scratch != null) {
            LdDifferential.deleteTree(scratch);
        }
    }

    @Benchmark
    public void linkTree(Blackhole bh) {
        for (int i = 0; i < loaded.size(); i++) {
            ElfFile obj = ElfFile.parse(names.get(i), loaded.get(i).duplicate());
            LinkEngine engine = engines.get(i);
            LoadedImage image = engine.link(obj, Profile.KERNEL,
                    new LayoutPolicy.Linux(engine.architecture().moduleAreaBase()), resolvers.get(i));
            bh.consume(image);
        }
    }

    @Benchmark
    public void relocateTree(Blackhole bh) {
        for (int i = 0; i < parsed.size(); i++) {
            bh.consume(engines.get(i).relocate(parsed.get(i), plans.get(i), resolved.get(i), Profile.KERNEL));
        }
    }

    @Benchmark
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public void rtdyldTree(Blackhole bh) throws IOException, InterruptedException {
        if (rtdyldJobs.isEmpty()) {
            throw new IllegalStateException("run with -Dmodload.bench.ld=true (the default) for the llvm-rtdyld peer");
        }
        for (List<String> job : rtdyldJobs) {
            Process proc = new ProcessBuilder(job).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (proc.waitFor() != 0) {
                throw new IllegalStateException("llvm-rtdyld failed: " + job.get(job.size() - 1));
            }
            bh.consume(proc);
        }
    }

    @Benchmark
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public void gnuLdTree(Blackhole bh) {
        if (ldJobs.isEmpty()) {
            throw new IllegalStateException("run with -Dmodload.bench.ld=true (the default) for the ld peer");
        }
        for (LdDifferential.LdJob job : ldJobs) {
            String failure = job.failure() != null ? job.failure() : job.run();
            if (failure != null) {
                throw new IllegalStateException(job.output() + ": " + failure);
            }
            bh.consume(job.output());
        }
    }
}
