package org.modload.kernel.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;

/**
 * kernel-sim names no section or concept of one architecture: its main sources are searched for
 * the machine constants of every installed architecture and for the words of ia64's kernel-side
 * steps that used to live here (unwind tables, {@code .opd}, {@code __gp}). Those steps are the
 * architecture's {@code KernelSupport} now. The {@code image} package is left out: it reads the
 * x86 boot format (bzImage) and says so. The same search over a fixture shows it finds words.
 */
class NoArchitectureKnowledgeTest {
    private static final Path MAIN = Path.of("src/main/java/org/modload/kernel");
    /** A reader of x86's boot format, x86 by definition. */
    private static final Path EXEMPT = MAIN.resolve("image");

    static Set<String> forbidden() {
        Set<String> words = new LinkedHashSet<>(List.of("ia64", "ia_64", "ia-64", ".opd", "unwind", "__gp"));
        for (Architecture a : Architectures.installed().all()) {
            words.add(a.machine().specName().toLowerCase(Locale.ROOT));
        }
        return words;
    }

    /** Every {@code file:line: text} of a Java source under {@code root} that holds a forbidden word. */
    static List<String> findings(Path root, Path exempt, Set<String> words) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".java.txt"))
                    .filter(p -> exempt == null || !p.startsWith(exempt)).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String lower = lines.get(i).toLowerCase(Locale.ROOT);
                    for (String w : words) {
                        if (lower.contains(w)) {
                            out.add(f + ":" + (i + 1) + ": '" + w + "' in " + lines.get(i).strip());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Test
    void kernelSimMainSourcesNameNoArchitecture() {
        assertTrue(Files.isDirectory(MAIN.resolve("core")), "run from kernel-sim's directory: " + MAIN.toAbsolutePath());
        Set<String> words = forbidden();
        assertTrue(words.containsAll(List.of("em_386", "em_x86_64", "em_ia_64")), words.toString());
        assertEquals(List.of(), findings(MAIN, EXEMPT, words));
    }

    @Test
    void theSearchFindsWhatItLooksFor() {
        Path fixture = Path.of("src/test/resources/org/modload/kernel/architecture");
        List<String> found = findings(fixture, null, forbidden());
        assertEquals(List.of("'ia64'", "'unwind'", "'unwind'", "'.opd'", "'em_x86_64'"),
                found.stream().map(l -> l.replaceAll(".*: ('[^']*') in .*", "$1")).toList(), found.toString());
    }
}
