package org.modload.kernel.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.elf.Relocation;
import org.modload.loader.elf.Symbol;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Issue 19, Must show 4: parses the largest shared library of the system (by default the
 * largest {@code lib*.so*} under {@code /usr/lib}, e.g. Debian's 105 MiB libLLVM; or
 * {@code -Dmodload.bench.library=FILE}) from a read-only mapping, so no file byte is copied into
 * the heap. {@code mapAndParse} is what {@code modload elf} pays before printing; {@code
 * parseAndReadSymbols} and {@code parseAndReadRelocations} add decoding every dynamic symbol and
 * every relocation, which the lazy model otherwise defers. Run with {@code -prof gc} for the
 * allocation per operation: {@code bash .ci/bench-elf} (it needs no kernel corpus).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class ParseLargeLibraryBenchmark {
    private Path library;

    @Setup
    public void setUp() throws IOException {
        String given = System.getProperty("modload.bench.library", "");
        library = given.isEmpty() ? largestLibrary(Path.of("/usr/lib")) : Path.of(given);
        System.out.printf("%n# library: %s, %d bytes%n", library, Files.size(library));
    }

    static Path largestLibrary(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            List<Path> libs = s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> p.getFileName().toString().matches("lib.*\\.so(\\..*)?"))
                    .collect(Collectors.toList());
            return libs.stream().max(Comparator.comparingLong(ParseLargeLibraryBenchmark::size))
                    .orElseThrow(() -> new IllegalStateException("no shared library under " + root));
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private ElfFile mapAndParseOnce() throws IOException {
        try (FileChannel ch = FileChannel.open(library, StandardOpenOption.READ)) {
            ByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            return ElfFile.parse(library.getFileName().toString(), map);
        }
    }

    @Benchmark
    public ElfFile mapAndParse() throws IOException {
        return mapAndParseOnce();
    }

    @Benchmark
    public void parseAndReadSymbols(Blackhole bh) throws IOException {
        ElfFile f = mapAndParseOnce();
        for (Symbol s : f.dynamicSymbols()) {
            bh.consume(s);
        }
        for (Symbol s : f.symbols()) {
            bh.consume(s);
        }
        bh.consume(f.dynamicSymbolVersions());
    }

    @Benchmark
    public void parseAndReadRelocations(Blackhole bh) throws IOException {
        ElfFile f = mapAndParseOnce();
        for (RelocationSection rs : f.relocationSections()) {
            for (Relocation r : rs.entries()) {
                bh.consume(r);
            }
        }
    }
}
