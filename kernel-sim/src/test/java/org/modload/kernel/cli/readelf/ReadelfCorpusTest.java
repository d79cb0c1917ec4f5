package org.modload.kernel.cli.readelf;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.Corpora;
import org.modload.loader.testing.ExternalTools;

/**
 * {@code modload elf --json} agrees with readelf on a deterministic sample of Debian's real
 * modules: per flavour, the module files under {@code root/(usr/)lib/modules/*}{@code /kernel/}
 * sorted by path, every k-th, at least {@value #PER_FLAVOUR} (so all of them today) for Debian 12,
 * {@value #TRIXIE} for Debian 13, whose {@code .ko.xz} files are read by modload as they are, by
 * readelf after {@code xz -dc}. Run with {@code mvn verify -Pcorpus
 * -Dmodload.corpus=DIR}; prints {@code readelf agreement: amd64 N/N modules, 686 M/M modules, trixie-amd64 K/K modules}.
 */
@Tag("corpus")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadelfCorpusTest {
    private static final int PER_FLAVOUR = 100000;
    /**
     * Debian 13's share, kept to minutes: every k-th module so that at least this many are
     * compared (its whole tree is parsed by the ld differential and the load-tree run; the
     * ELF reader is the one Debian 12's whole trees are compared with here).
     */
    private static final int TRIXIE = 1000;
    private static final int SHOWN_MODULES = 10;
    private static final int SHOWN_DIFFERENCES = 5;

    /** Flavour to "agreeing/compared", in run order, for the summary line. */
    private final Map<String, String> summary = new LinkedHashMap<>();
    private long nanos;

    @TempDir
    Path scratch;

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "686", "trixie-amd64"})
    void sampledModulesAgreeWithReadelf(String flavour) throws InterruptedException {
        summary.put(flavour, "skipped");
        ExternalTools.require("readelf", "binutils");
        List<Path> sample = flavour.startsWith("trixie-")
                ? Corpora.sample(Corpora.modules(ExternalTools.corpus(flavour)), TRIXIE) : sample(ExternalTools.corpus(flavour));
        assertTrue(sample.size() >= 1, flavour + ": only " + sample.size() + " modules sampled");

        long start = System.nanoTime();
        Map<Path, List<String>> disagreements = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (Path module : sample) {
                results.add(pool.submit(() -> compare(module, scratch.resolve(flavour))));
            }
            for (int i = 0; i < sample.size(); i++) {
                List<String> diffs = get(results.get(i));
                if (!diffs.isEmpty()) {
                    disagreements.put(sample.get(i), diffs);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        nanos += System.nanoTime() - start;
        summary.put(flavour, (sample.size() - disagreements.size()) + "/" + sample.size());

        if (!disagreements.isEmpty()) {
            StringBuilder msg = new StringBuilder(flavour + ": " + disagreements.size() + " of " + sample.size()
                    + " modules disagree with readelf; first ones:");
            disagreements.entrySet().stream().limit(SHOWN_MODULES).forEach(e -> {
                List<String> d = e.getValue();
                msg.append("\n  ").append(e.getKey()).append(" (").append(d.size()).append(" differences)");
                d.stream().limit(SHOWN_DIFFERENCES).forEach(line -> msg.append("\n    ").append(line));
            });
            fail(msg.toString());
        }
    }

    @AfterAll
    void printSummary() {
        StringBuilder line = new StringBuilder("readelf agreement:");
        String sep = " ";
        for (Map.Entry<String, String> e : summary.entrySet()) {
            line.append(sep).append(e.getKey()).append(' ').append(e.getValue()).append(" modules");
            sep = ", ";
        }
        System.out.println(line);
        System.out.printf("readelf agreement: compared in %.1f s%n", nanos / 1e9);
    }

    /**
     * The sorted module paths of a corpus tree ({@code .ko}, or Debian 13's {@code .ko.xz}), every
     * k-th so that at least {@value #PER_FLAVOUR} remain.
     */
    static List<Path> sample(Path corpus) {
        return Corpora.sample(Corpora.modules(corpus), PER_FLAVOUR);
    }

    /**
     * One module's differences; a tool or parse failure is reported as a difference, not thrown.
     * A compressed module is given to modload as it is and to readelf decompressed by {@code xz -dc}.
     */
    private static List<String> compare(Path module, Path scratch) {
        try {
            Path plain = Corpora.plain(module, scratch.resolve(Long.toString(Thread.currentThread().getId())));
            List<String> d = ReadelfAgreement.compare(ReadelfAgreement.modloadJson(module), Readelf.read(plain));
            if (!plain.equals(module)) {
                Files.delete(plain);
            }
            return d;
        } catch (AssertionError | RuntimeException | java.io.IOException e) {
            return List.of("no comparison: " + e);
        }
    }

    private static List<String> get(Future<List<String>> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            return List.of("no comparison: " + e.getCause());
        }
    }
}
