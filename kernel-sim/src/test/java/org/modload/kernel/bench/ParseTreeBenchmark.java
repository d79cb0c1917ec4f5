package org.modload.kernel.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.modload.loader.elf.ElfFile;
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
 * Parses every {@code .ko} of a module tree ({@code -Dmodload.bench.tree=DIR}) in one JVM.
 * Peers in the same run: {@code readOnly} (just reading the files: the floor any parser pays)
 * and {@code inMemory} (the parse alone, files already in memory). With {@code -prof gc}, the
 * normalized allocation of {@code inMemory} is what the parser itself allocates (section bytes
 * are views, so only names and the model are new), and {@code mapped} shows a whole-tree parse
 * with no file bytes copied into the heap at all.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class ParseTreeBenchmark {
    private List<Path> files;
    private List<ByteBuffer> loaded;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path tree = Path.of(System.getProperty("modload.bench.tree", ""));
        try (Stream<Path> s = Files.walk(tree)) {
            files = s.filter(p -> p.toString().endsWith(".ko")).sorted().collect(Collectors.toList());
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no .ko under -Dmodload.bench.tree=" + tree);
        }
        loaded = files.stream().map(ParseTreeBenchmark::read).collect(Collectors.toList());
        long bytes = loaded.stream().mapToLong(ByteBuffer::remaining).sum();
        System.out.printf("%n# tree: %d modules, %d bytes%n", files.size(), bytes);
    }

    private static ByteBuffer read(Path p) {
        try {
            return ByteBuffer.wrap(Files.readAllBytes(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    public void readOnly(Blackhole bh) {
        for (Path p : files) {
            bh.consume(read(p));
        }
    }

    @Benchmark
    public void readAndParse(Blackhole bh) {
        for (Path p : files) {
            bh.consume(ElfFile.parse(p.getFileName().toString(), read(p)));
        }
    }

    @Benchmark
    public void mapped(Blackhole bh) throws IOException {
        for (Path p : files) {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                bh.consume(ElfFile.parse(p.getFileName().toString(), ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size())));
            }
        }
    }

    @Benchmark
    public void inMemory(Blackhole bh) {
        for (int i = 0; i < loaded.size(); i++) {
            bh.consume(ElfFile.parse(files.get(i).getFileName().toString(), loaded.get(i).duplicate()));
        }
    }
}
