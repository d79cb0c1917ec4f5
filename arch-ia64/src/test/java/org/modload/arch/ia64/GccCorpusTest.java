package org.modload.arch.ia64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gcc-compiled objects of {@code fixtures/gcc} (copies of /work/shared/corpus/ia64-gcc, five
 * variants of three module-like sources), as compiled and linked with module.lds, load under KERNEL in Linux's layout, with both PLT
 * templates, and pass the differential oracle: ld's bits where ld means the same, decoding
 * elsewhere. The per-family counts of every run are summed into
 * {@code target/ia64-gcc-verified-sites.tsv}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GccCorpusTest {
    private final Map<String, Integer> totals = new TreeMap<>();
    private int objects;

    @TempDir
    Path work;

    static Stream<String> objects() {
        List<String> names = List.of("chardev-O0.o", "chardev-O2.o", "chardev-O2autopic.o", "chardev-O2cgp.o",
                "chardev-Os.o", "table-O0.o", "table-O2.o", "table-O2autopic.o", "table-O2cgp.o", "table-Os.o",
                "tiny-O0.o", "tiny-O2.o", "tiny-O2autopic.o", "tiny-O2cgp.o", "tiny-Os.o");
        return Stream.concat(names.stream().map(n -> "gcc/" + n), names.stream().map(n -> "gcc-lds/" + n));
    }

    /** As compiled ({@code gcc/}), and linked with Linux's module.lds ({@code gcc-lds/}). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("objects")
    void loadsAndPassesTheOracle(String name) throws IOException {
        for (boolean brl : new boolean[] {true, false}) {
            Path dir = Files.createDirectory(work.resolve(brl ? "brl" : "nobrl"));
            Oracle.Report r = DifferentialTest.check(name, new Ia64Architecture(brl),
                    brl ? PltTemplate.BRL : PltTemplate.NO_BRL, dir);
            assertEquals(List.of(), r.failures(), name);
            assertTrue(r.total() > 0, name + ": sites verified");
            if (brl) {
                synchronized (totals) {
                    r.verified().forEach((k, v) -> totals.merge(k, v, Integer::sum));
                    objects++;
                }
            }
        }
    }

    @AfterAll
    void writeTotals() {
        StringBuilder sb = new StringBuilder("family\tsites verified (" + objects + " gcc objects, brl PLT)\n");
        totals.forEach((k, v) -> sb.append(k).append('\t').append(v).append('\n'));
        try {
            Files.writeString(Path.of("target", "ia64-gcc-verified-sites.tsv"), sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.print(sb);
    }
}
