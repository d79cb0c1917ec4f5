package org.modload.kernel.depmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.Corpora;
import org.modload.kernel.cli.KmodTools;
import org.modload.loader.testing.ExternalTools;

/**
 * {@code modload depmod} writes what kmod 30's depmod writes on the whole of each Debian module
 * tree: {@code depmod -e -b BASE -E Module.symvers RELEASE} is run by kmod and by us on two
 * module directories {@code BASE/lib/modules/RELEASE} made alike from the corpus (a link to its
 * {@code kernel/}, which both follow, and copies of {@code modules.order}, {@code modules.builtin}
 * and {@code modules.builtin.modinfo}, so that nothing is written into the corpus); then every
 * file of the two directories is compared byte for byte, binary indexes included, and the exit
 * status and standard error (base directories replaced) must be equal. Run with
 * {@code mvn verify -Pcorpus -Dmodload.corpus=DIR}; prints
 * {@code depmod files: FLAVOUR N/N files identical} and the two tools' wall times.
 */
@Tag("corpus")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DepmodCorpusTest {
    private static final List<String> INPUTS = List.of("modules.order", "modules.builtin", "modules.builtin.modinfo");
    /** The files kmod 30's depmod_output writes. */
    private static final List<String> WRITTEN = List.of("modules.dep", "modules.dep.bin", "modules.alias",
            "modules.alias.bin", "modules.softdep", "modules.symbols", "modules.symbols.bin", "modules.builtin.bin",
            "modules.builtin.alias.bin", "modules.devname");

    private final Map<String, String> summary = new LinkedHashMap<>();

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "686", "trixie-amd64"})
    void everyFileAgreesWithKmod(String flavour, @TempDir Path tmp) throws IOException {
        summary.put(flavour, "skipped");
        Path corpus = ExternalTools.corpus(flavour);
        Path source = Corpora.moduleDirectory(corpus);
        String release = Corpora.version(corpus);
        Path symvers = Corpora.symvers(corpus);
        assertTrue(Files.isRegularFile(symvers), "no " + symvers);
        Path kmodBase = base(tmp.resolve("kmod"), source, release);
        Path ourBase = base(tmp.resolve("ours"), source, release);

        long start = System.nanoTime();
        KmodTools.Run kmod = KmodTools.kmod("depmod", List.of("-e", "-b", kmodBase.toString(), "-E", symvers.toString(), release));
        long kmodNanos = System.nanoTime() - start;
        start = System.nanoTime();
        KmodTools.Run ours = KmodTools.modload("depmod", List.of("-e", "-b", ourBase.toString(), "-E", symvers.toString(), release));
        long ourNanos = System.nanoTime() - start;
        assertEquals(0, kmod.status(), kmod.err());
        assertEquals(new KmodTools.Run(kmod.status(), kmod.out(), kmod.err().replace(kmodBase.toString(), "BASE")),
                new KmodTools.Run(ours.status(), ours.out(), ours.err().replace(ourBase.toString(), "BASE")),
                flavour + ": exit status or messages differ");

        Path kmodDir = kmodBase.resolve("lib/modules/" + release);
        Path ourDir = ourBase.resolve("lib/modules/" + release);
        List<String> kmodFiles = names(kmodDir);
        assertEquals(kmodFiles, names(ourDir), flavour + ": files in the module directory");
        assertTrue(kmodFiles.containsAll(WRITTEN), kmodFiles.toString());
        List<String> differing = new ArrayList<>();
        int identical = 0;
        for (String f : WRITTEN) {
            byte[] k = Files.readAllBytes(kmodDir.resolve(f));
            byte[] o = Files.readAllBytes(ourDir.resolve(f));
            if (Arrays.equals(k, o)) {
                identical++;
            } else {
                differing.add(f + " (kmod " + k.length + " bytes, modload " + o.length + ", first difference at "
                        + Arrays.mismatch(k, o) + ")");
            }
        }
        summary.put(flavour, identical + "/" + WRITTEN.size() + " files identical (modload "
                + String.format("%.1f s, kmod %.1f s", ourNanos / 1e9, kmodNanos / 1e9) + ")");
        assertTrue(Files.size(kmodDir.resolve("modules.dep")) > 100_000, flavour + ": a small modules.dep");
        if (!differing.isEmpty()) {
            fail(flavour + ": " + differing.size() + " files differ from kmod's: " + String.join(", ", differing));
        }
    }

    /** {@code base/lib/modules/RELEASE} with a link to the corpus's {@code kernel/} and copies of its inputs. */
    private static Path base(Path base, Path source, String release) throws IOException {
        Path dir = Files.createDirectories(base.resolve("lib/modules/" + release));
        Files.createSymbolicLink(dir.resolve("kernel"), source.resolve("kernel"));
        for (String f : INPUTS) {
            if (Files.exists(source.resolve(f))) {
                Files.copy(source.resolve(f), dir.resolve(f));
            }
        }
        return base;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @AfterAll
    void printSummary() {
        summary.forEach((flavour, result) -> System.out.println("depmod files: " + flavour + " " + result));
    }
}
