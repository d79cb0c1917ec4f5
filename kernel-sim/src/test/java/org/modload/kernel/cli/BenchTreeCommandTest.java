package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code modload bench-tree} on the bundled samples: the shape of its output, and counts that
 * do not depend on time (modules, relocations, bytes read). No time is asserted.
 */
class BenchTreeCommandTest {
    private static final List<String> SAMPLES = List.of("hello", "demo_core", "demo_user", "demo_leaf");

    @TempDir
    Path dir;

    private long bytes;

    @BeforeEach
    void copySamples() throws IOException {
        for (String s : SAMPLES) {
            try (InputStream in = getClass().getResourceAsStream("/org/modload/kernel/samples/x86_64/" + s + ".ko")) {
                Files.copy(in, dir.resolve(s + ".ko"));
            }
            bytes += Files.size(dir.resolve(s + ".ko"));
        }
    }

    private static CliRun modload(String... args) {
        return CliRun.run(args);
    }

    @ParameterizedTest
    @CsvSource({"parse, 1", "link, 1", "link, 2", "load, 1", "load, 2"})
    void printsRatesAllocationPeakHeapColdAndWarm(String phase, int threads) {
        CliRun r = modload("bench-tree", "--tree", dir.toString(), "--passes", "3", "--threads", Integer.toString(threads),
                "--phase", phase);
        assertEquals(0, r.status(), r.err() + r.out());
        List<String> lines = r.out().lines().toList();
        assertEquals(8, lines.size(), r.out());
        assertEquals("phase: " + phase + ", 4 modules, " + threads + " thread" + (threads == 1 ? "" : "s")
                + ", 3 passes", lines.get(0));
        assertTrue(lines.get(1).matches("modules/s: \\d+"), lines.get(1));
        Matcher relocs = Pattern.compile("relocations/s: \\d+ \\((\\d+) relocations per pass\\)").matcher(lines.get(2));
        assertTrue(relocs.matches(), lines.get(2));
        assertTrue(Long.parseLong(relocs.group(1)) > 0, lines.get(2));
        assertEquals("bytes read: " + bytes + " per pass", lines.get(3));
        Matcher alloc = Pattern.compile("bytes allocated per module: (\\d+) \\((\\d+) per pass\\)").matcher(lines.get(4));
        assertTrue(alloc.matches(), lines.get(4));
        // Parsing a module allocates its model at least; the per-thread counters see it.
        assertTrue(Long.parseLong(alloc.group(1)) > 0, lines.get(4));
        assertTrue(lines.get(5).matches("peak heap: [1-9]\\d* bytes"), lines.get(5));
        assertTrue(lines.get(6).matches("cold: \\d+ ms"), lines.get(6));
        assertTrue(lines.get(7).matches("warm: \\d+ ms"), lines.get(7));
    }

    @Test
    void refusesAnUnknownPhaseAndTooFewPasses() {
        CliRun phase = modload("bench-tree", "--tree", dir.toString(), "--phase", "relocate");
        assertEquals(2, phase.status());
        assertTrue(phase.err().contains("--phase: no phase 'relocate' (parse, link, load)"), phase.err());
        CliRun passes = modload("bench-tree", "--tree", dir.toString(), "--passes", "0");
        assertEquals(2, passes.status());
        assertTrue(passes.err().contains("--passes must be at least 1, not 0"), passes.err());
    }
}
