package org.modload.kernel.modinfo;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
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
import org.modload.kernel.cli.Main;
import org.modload.kernel.Corpora;
import org.modload.loader.testing.ExternalTools;

/**
 * {@code modload modinfo FILE} prints exactly what kmod's {@code modinfo FILE} prints for every
 * module of Debian's module trees (each flavour's {@code root/(usr/)lib/modules/*}{@code /kernel/}:
 * Debian 12's {@code .ko} files, Debian 13's {@code .ko.xz} files themselves).
 * Run with {@code mvn test -Pcorpus -Dmodload.corpus=DIR -Dtest=ModinfoCorpusTest}; prints
 * {@code modinfo agreement: amd64 N/N, 686 M/M, trixie-amd64 K/K}.
 */
@Tag("corpus")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModinfoCorpusTest {
    private static final int SHOWN_MODULES = 10;
    private static final int SHOWN_LINES = 3;

    /** Flavour to "agreeing/compared", in run order, for the summary line. */
    private final Map<String, String> summary = new LinkedHashMap<>();
    private long nanos;

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "686", "trixie-amd64"})
    void everyModuleAgreesWithKmod(String flavour) throws InterruptedException {
        summary.put(flavour, "skipped");
        ModinfoFixtures.modinfo();
        // Debian 13's .ko.xz files are given to both tools as they are.
        List<Path> modules = Corpora.modules(ExternalTools.corpus(flavour));
        assertTrue(modules.size() >= 1, flavour + ": no modules");

        long start = System.nanoTime();
        Map<Path, String> disagreements = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
        try {
            List<Future<String>> results = new ArrayList<>();
            for (Path module : modules) {
                results.add(pool.submit(() -> compare(module)));
            }
            for (int i = 0; i < modules.size(); i++) {
                String diff = get(results.get(i));
                if (diff != null) {
                    disagreements.put(modules.get(i), diff);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        nanos += System.nanoTime() - start;
        summary.put(flavour, (modules.size() - disagreements.size()) + "/" + modules.size());

        if (!disagreements.isEmpty()) {
            StringBuilder msg = new StringBuilder(flavour + ": " + disagreements.size() + " of " + modules.size()
                    + " modules disagree with kmod's modinfo; first ones:");
            disagreements.entrySet().stream().limit(SHOWN_MODULES)
                    .forEach(e -> msg.append("\n  ").append(e.getKey()).append("\n    ").append(e.getValue()));
            fail(msg.toString());
        }
    }

    @AfterAll
    void printSummary() {
        StringBuilder line = new StringBuilder("modinfo agreement:");
        String sep = " ";
        for (Map.Entry<String, String> e : summary.entrySet()) {
            line.append(sep).append(e.getKey()).append(' ').append(e.getValue());
            sep = ", ";
        }
        System.out.println(line);
        System.out.printf("modinfo agreement: compared in %.1f s%n", nanos / 1e9);
    }


    /** Null when both print the same; otherwise the first differing lines. A failure is a difference, not thrown. */
    private static String compare(Path module) {
        try {
            String kmod = ModinfoFixtures.kmod(null, module.toString());
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int status = Main.run(new String[] {"modinfo", module.toString()}, new PrintWriter(out), new PrintWriter(err));
            if (status != 0) {
                return "modload exited " + status + ": " + err.toString().strip();
            }
            return kmod.equals(out.toString()) ? null : firstDifference(kmod, out.toString());
        } catch (AssertionError | RuntimeException e) {
            return "no comparison: " + e;
        }
    }

    private static String firstDifference(String kmod, String ours) {
        List<String> a = kmod.lines().toList();
        List<String> b = ours.lines().toList();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String x = i < a.size() ? a.get(i) : "<end>";
            String y = i < b.size() ? b.get(i) : "<end>";
            if (!x.equals(y)) {
                List<String> shown = new ArrayList<>();
                for (int j = i; j < Math.min(i + SHOWN_LINES, Math.max(a.size(), b.size())); j++) {
                    shown.add("line " + (j + 1) + ": kmod '" + (j < a.size() ? a.get(j) : "<end>") + "', modload '"
                            + (j < b.size() ? b.get(j) : "<end>") + "'");
                }
                return String.join("\n    ", shown);
            }
        }
        return "outputs differ only in line endings";
    }

    private static String get(Future<String> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            return "no comparison: " + e.getCause();
        }
    }
}
