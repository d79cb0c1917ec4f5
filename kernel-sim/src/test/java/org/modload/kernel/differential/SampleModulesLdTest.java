package org.modload.kernel.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.kernel.boot.SyntheticSymbols;

/**
 * The bundled sample modules (gcc-built, both x86 flavours) relocate byte-identically to GNU ld;
 * the default build's share of the corpus differential.
 */
class SampleModulesLdTest {

    @Test
    void bundledSamplesMatchGnuLd(@TempDir Path dir) throws IOException, InterruptedException {
        List<Path> objects = new ArrayList<>();
        for (String arch : List.of("x86_64", "i386")) {
            for (String module : List.of("hello", "demo_core", "demo_user", "demo_leaf")) {
                Path p = dir.resolve(arch + "-" + module + ".ko");
                try (InputStream in = getClass().getResourceAsStream("/org/modload/kernel/samples/" + arch + "/"
                        + module + ".ko")) {
                    Files.copy(in, p);
                }
                objects.add(p);
            }
        }
        DifferentialRun.Totals t = DifferentialRun.run(objects, SyntheticSymbols::forArchitecture,
                Files.createDirectories(dir.resolve("work")));
        assertEquals(List.of(), t.failures().stream().map(DifferentialRun.Outcome::describe).toList());
        assertEquals(8, t.identical());
        assertTrue(t.relocations() > 50, "only " + t.relocations() + " relocations compared");
    }
}
