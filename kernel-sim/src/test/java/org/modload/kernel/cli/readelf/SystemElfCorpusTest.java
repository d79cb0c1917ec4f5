package org.modload.kernel.cli.readelf;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.modload.loader.testing.ExternalTools;

/**
 * Must show 1 of issue 19: every ELF file of this machine's own Debian system under
 * {@code /usr/bin}, {@code /usr/sbin}, {@code /usr/lib} and {@code /usr/libexec} (regular files
 * whose first bytes are {@code 7f 45 4c 46}; symbolic links are not followed, so each file is
 * read once) is read by {@code modload elf --json} and compared field for field with readelf
 * ({@link ReadelfAgreement}: header, sections, symbols, dynamic symbols with versions,
 * relocations, segments, dynamic entries, notes). Prints the counts; any difference fails.
 * Part of the {@code corpus} profile ({@code bash .ci/corpus}); {@code -Dmodload.system.roots}
 * (colon-separated) and {@code -Dmodload.system.stride=K} (every K-th file) narrow a run.
 */
@Tag("corpus")
class SystemElfCorpusTest {
    private static final int SHOWN_FILES = 15;
    private static final int SHOWN_DIFFERENCES = 5;

    @Test
    void everyElfFileOfTheSystemAgreesWithReadelf() throws InterruptedException {
        ExternalTools.require("readelf", "binutils");
        String roots = System.getProperty("modload.system.roots", "/usr/bin:/usr/sbin:/usr/lib:/usr/libexec");
        int stride = Integer.getInteger("modload.system.stride", 1);
        List<Path> all = elfFiles(roots.split(":"));
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < all.size(); i += stride) {
            files.add(all.get(i));
        }
        assertTrue(files.size() > 0, "no ELF files under " + roots);

        long start = System.nanoTime();
        Map<Path, List<String>> disagreements = new LinkedHashMap<>();
        Map<String, Integer> kinds = new TreeMap<>();
        Map<String, Integer> explained = new TreeMap<>();
        long[] totals = new long[4];
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
        try {
            List<Future<Result>> results = new ArrayList<>();
            for (Path f : files) {
                results.add(pool.submit(() -> compare(f)));
            }
            for (int i = 0; i < files.size(); i++) {
                Result r = get(results.get(i));
                kinds.merge(r.kind(), 1, Integer::sum);
                for (int k = 0; k < 4; k++) {
                    totals[k] += r.counts()[k];
                }
                r.explained().forEach(x -> explained.merge(x, 1, Integer::sum));
                if (!r.diffs().isEmpty()) {
                    disagreements.put(files.get(i), r.diffs());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("system ELF agreement: %d of %d files agree with readelf (%s) in %.1f s%n",
                files.size() - disagreements.size(), files.size(), kinds, seconds);
        System.out.printf("system ELF agreement: compared %d sections, %d symbols (symtab + dynsym), %d relocations,"
                + " %d segments%n", totals[0], totals[1], totals[2], totals[3]);
        explained.forEach((what, n) -> System.out.printf("system ELF agreement: explained, %d times: %s%n", n, what));
        if (!disagreements.isEmpty()) {
            StringBuilder msg = new StringBuilder(disagreements.size() + " of " + files.size()
                    + " ELF files disagree with readelf; first ones:");
            disagreements.entrySet().stream().limit(SHOWN_FILES).forEach(e -> {
                List<String> d = e.getValue();
                msg.append("\n  ").append(e.getKey()).append(" (").append(d.size()).append(" differences)");
                d.stream().limit(SHOWN_DIFFERENCES).forEach(line -> msg.append("\n    ").append(line));
            });
            fail(msg.toString());
        }
    }

    private record Result(String kind, List<String> diffs, long[] counts, List<String> explained) {
    }

    private static Result compare(Path f) {
        try {
            Map<String, Object> json = ReadelfAgreement.modloadJson(f);
            Readelf.Model readelf = Readelf.read(f);
            long[] counts = {readelf.sections().size(), readelf.symbols().size() + readelf.dynamicSymbols().size(),
                readelf.relocations().size(), readelf.segments().size()};
            List<String> explained = new ArrayList<>();
            List<String> diffs = ReadelfAgreement.compare(json, readelf, explained);
            return new Result(json.get("class") + "/" + json.get("type"), diffs, counts, explained);
        } catch (AssertionError | RuntimeException e) {
            return new Result("failed", List.of("no comparison: " + e), new long[4], List.of());
        }
    }

    private static Result get(Future<Result> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            return new Result("failed", List.of("no comparison: " + e.getCause()), new long[4], List.of());
        }
    }

    /** Regular files (links not followed) starting with the ELF magic, sorted by path. */
    static List<Path> elfFiles(String... roots) {
        List<Path> out = new ArrayList<>();
        for (String root : roots) {
            Path dir = Path.of(root);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                        .filter(SystemElfCorpusTest::isElf).forEach(out::add);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        out.sort(null);
        return out;
    }

    private static boolean isElf(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] m = in.readNBytes(4);
            return m.length == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
        } catch (IOException e) {
            return false; // unreadable (permissions): not part of what a user can read either
        }
    }
}
