package org.modload.kernel.cli.readelf;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.loader.testing.ExternalTools;

/**
 * {@code modload elf --json} agrees with readelf on a deterministic sample of Debian's real
 * modules: per flavour, the {@code .ko} files under {@code root/lib/modules/*}{@code /kernel/}
 * sorted by path, every k-th, at least {@value #PER_FLAVOUR}. Run with {@code mvn verify -Pcorpus
 * -Dmodload.corpus=DIR}; prints {@code readelf agreement: amd64 N/N modules, 686 M/M modules}.
 */
@Tag("corpus")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadelfCorpusTest {
    private static final int PER_FLAVOUR = 100000;
    private static final int SHOWN_MODULES = 10;
    private static final int SHOWN_DIFFERENCES = 5;

    /** Flavour to "agreeing/compared", in run order, for the summary line. */
    private final Map<String, String> summary = new LinkedHashMap<>();
    private long nanos;

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "686"})
    void sampledModulesAgreeWithReadelf(String flavour) throws InterruptedException {
        summary.put(flavour, "skipped");
        ExternalTools.require("readelf", "binutils");
        List<Path> sample = sample(ExternalTools.corpus(flavour));
        assertTrue(sample.size() >= 1, flavour + ": only " + sample.size() + " modules sampled");

        long start = System.nanoTime();
        Map<Path, List<String>> disagreements = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (Path module : sample) {
                results.add(pool.submit(() -> compare(module)));
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

    /** The sorted {@code .ko} paths of a corpus tree, every k-th so that at least {@value #PER_FLAVOUR} remain. */
    static List<Path> sample(Path corpus) {
        List<Path> all = ExternalTools.corpusModules(corpus);
        int k = Math.max(1, all.size() / PER_FLAVOUR);
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += k) {
            out.add(all.get(i));
        }
        return out;
    }

    /** One module's differences; a tool or parse failure is reported as a difference, not thrown. */
    private static List<String> compare(Path module) {
        try {
            return ReadelfAgreement.check(module);
        } catch (AssertionError | RuntimeException e) {
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
