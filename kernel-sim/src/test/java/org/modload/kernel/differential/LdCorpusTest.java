package org.modload.kernel.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.Corpora;
import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.boot.KernelBoot;
import org.modload.kernel.image.KernelBuildConfig;
import org.modload.kernel.image.KernelImage;
import org.modload.kernel.model.ModuleView;
import org.modload.kernel.tree.TreeLoader;
import org.modload.loader.testing.ExternalTools;

/**
 * Every module of Debian 12's amd64 and 686 kernel packages and of Debian 13's amd64 package (its
 * {@code .ko.xz} files as {@code xz -dc} restores them for ld), as kernel-sim loads it into a
 * kernel booted from the package's vmlinuz and build configuration (Linux 6.1's layout:
 * .modinfo and __versions unallocated, per-cpu data in per-cpu memory, the kallsyms copies
 * reserved; the kernel's exports at their real addresses, other modules' at the addresses
 * kernel-sim gave them), must be byte-identical to GNU ld's link of the same object at the same
 * addresses, the per-cpu section pinned where kernel-sim put it. Each loaded module keeps only
 * its retained image (the kernel keeps memory, not the ELF file), so the object is read again
 * from its file for ld. Run by {@code .ci/corpus}; prints {@code ld differential: FLAVOUR N/M
 * modules identical, ...}.
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

        Path vmlinuz = kernelImage(corpus);
        KernelImage image = KernelImage.read(vmlinuz);
        Kernel kernel = Kernel.boot(KernelBoot.withBuildConfig(KernelBoot.fromImage(image, KernelBoot.release(image)),
                KernelBuildConfig.read(KernelBuildConfig.besideImage(vmlinuz).orElseThrow())));
        long start = System.nanoTime();
        TreeLoader.Result loaded = TreeLoader.load(kernel, modules, LoadOptions.defaults(), 2);
        assertEquals(loaded.total(), loaded.loaded(), flavour + ": kernel-sim refused " + loaded.failures());
        Map<String, Path> byFile = new HashMap<>();
        modules.forEach(p -> byFile.put(p.getFileName().toString(), p));
        List<DifferentialRun.Linked> images = new ArrayList<>();
        long percpu = 0;
        for (ModuleView m : kernel.modules()) {
            images.add(new DifferentialRun.Linked(byFile.get(m.file()), m.image()));
            percpu += m.percpu().isPresent() ? 1 : 0;
        }
        DifferentialRun.Totals t = DifferentialRun.runImages(images, scratch);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("ld differential: %s %d/%d modules identical (%d sections, %d bytes, %d relocations "
                + "compared; kernel-sim's layout, %d modules with per-cpu data pinned in per-cpu memory) in %.1f s%n",
                flavour, t.identical(), t.objects(), t.sections(), t.bytes(), t.relocations(), percpu, seconds);
        String failures = t.failures().stream().limit(SHOWN).map(DifferentialRun.Outcome::describe)
                .collect(Collectors.joining("\n  ", "\n  ", ""));
        assertEquals(t.objects(), t.identical(), flavour + ": " + t.failures().size() + " of " + t.objects()
                + " modules differ from GNU ld; first ones:" + failures);
    }
}
