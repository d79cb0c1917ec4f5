package org.modload.kernel.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.boot.SyntheticSymbols;
import org.modload.kernel.image.KernelExport;
import org.modload.kernel.image.KernelImage;
import org.modload.loader.link.SymbolDefinition;
import org.modload.kernel.Corpora;
import org.modload.loader.testing.ExternalTools;

/**
 * Every module of Debian 12's amd64 and 686 kernel packages and of Debian 13's amd64 package (its
 * {@code .ko.xz} files as {@code xz -dc} restores them), relocated by the engine (KERNEL
 * profile, Linux layout), must be byte-identical to GNU ld's link of the same object at the same
 * addresses: the kernel's exports where vmlinuz gives them, synthetic ones for the rest. Run by {@code .ci/corpus}; prints {@code ld differential: FLAVOUR N/M modules
 * identical, ...}.
 */
@Tag("corpus")
class LdCorpusTest {
    private static final int SHOWN = 15;

    private static Path kernelImage(Path corpus) {
        try (Stream<Path> boot = Files.list(corpus.resolve("root/boot"))) {
            return boot.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no vmlinuz under " + corpus.resolve("root/boot")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "686", "trixie-amd64"})
    void everyModuleMatchesGnuLd(String flavour, @TempDir Path scratch) throws InterruptedException {
        Path corpus = ExternalTools.corpus(flavour);
        List<Path> modules = Corpora.modules(corpus);
        assertTrue(modules.size() > 1000, flavour + ": only " + modules.size() + " modules found under " + corpus);

        // The kernel's own exports at their real addresses (read from vmlinuz); everything else
        // (other modules' exports) at deterministic synthetic addresses.
        KernelImage kernel = KernelImage.read(kernelImage(corpus));
        long start = System.nanoTime();
        DifferentialRun.Totals t = DifferentialRun.run(modules, arch -> name -> {
            Optional<KernelExport> e = kernel.export(name);
            return e.isPresent() ? Optional.of(SymbolDefinition.at(e.get().address()))
                    : SyntheticSymbols.forArchitecture(arch).resolve(name);
        }, scratch);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("ld differential: %s %d/%d modules identical (%d sections, %d bytes, %d relocations "
                + "compared; %d kernel exports at their vmlinuz addresses) in %.1f s%n", flavour, t.identical(),
                t.objects(), t.sections(), t.bytes(), t.relocations(), kernel.exports().size(), seconds);
        String failures = t.failures().stream().limit(SHOWN).map(DifferentialRun.Outcome::describe)
                .collect(Collectors.joining("\n  ", "\n  ", ""));
        assertEquals(t.objects(), t.identical(), flavour + ": " + t.failures().size() + " of " + t.objects()
                + " modules differ from GNU ld; first ones:" + failures);
    }
}
