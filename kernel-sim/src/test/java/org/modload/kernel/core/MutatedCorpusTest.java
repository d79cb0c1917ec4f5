package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.Corpora;
import org.modload.kernel.Kernel;
import org.modload.kernel.KernelParameters;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.boot.KernelBoot;
import org.modload.kernel.compress.ModuleFiles;
import org.modload.kernel.diag.CompressedDataException;
import org.modload.kernel.image.KernelImage;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.KernelSnapshot;
import org.modload.kernel.model.ModuleView;
import org.modload.kernel.model.SignaturePolicy;
import org.modload.kernel.modinfo.ModuleSignature;
import org.modload.loader.spi.Architectures;
import org.modload.loader.testing.ExternalTools;

/**
 * Hostile input from real modules: every 10th module of a Debian tree that loads alone into a
 * kernel booted from the tree's vmlinuz, its signature cut off, corrupted by each kind of
 * {@link Mutants.Kind} (a random sample of each kind per module). Every mutant's outcome must be
 * in its class ({@link MutationRun}): refused with ENOEXEC (or Linux's errno) and a message naming
 * the field, the kernel unchanged; or loaded, passing the original's image checks, and removed
 * leaving the kernel as it was. Every kind must produce mutants. Debian 13's {@code .ko.xz} files
 * are also mutated compressed: they must either fail to decompress with one located line or
 * decompress to an image the kernel loads or refuses with an unchanged kernel.
 */
@Tag("corpus")
class MutatedCorpusTest {
    /** Every EVERY-th module of the tree is mutated. */
    private static final int EVERY = 10;
    /** Mutants of each kind per module, drawn from all of that kind. */
    private static final int PER_KIND = 6;
    /** Mutated compressed files per compressed module. */
    private static final int ROUNDS = 4;

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "686", "trixie-amd64"})
    void mutatedRealModulesFailCleanly(String flavour) throws IOException {
        Path corpus = ExternalTools.corpus(flavour);
        Path vmlinuz = LoadTreeCorpusTest.find(corpus.resolve("root/boot"), "vmlinuz-");
        // Signatures ignored (CONFIG_MODULE_SIG=n): a changed byte would otherwise stop every load at the
        // signature check, and the phases after it are what this test probes (SignatureCorpusTest
        // covers the signature check on real modules).
        Kernel kernel = Kernel.boot(KernelBoot.fromImage(KernelImage.read(vmlinuz), flavour), Architectures.installed(),
                KernelParameters.defaults().withSignaturePolicy(SignaturePolicy.IGNORE));
        List<Path> modules = Corpora.modules(corpus);
        SplittableRandom random = new SplittableRandom(flavour.hashCode());
        MutationRun run = new MutationRun(kernel, LoadOptions.defaults());
        int undecompressable = 0;
        int compressedLoaded = 0;
        int compressedRefused = 0;
        int sampled = 0;
        int needsOthers = 0;
        long peak = 0;
        Runtime rt = Runtime.getRuntime();
        for (int m = 0; m < modules.size(); m += EVERY) {
            // Heap in use (garbage included) after each module's mutants: the run's peak, sampled.
            peak = Math.max(peak, rt.totalMemory() - rt.freeMemory());
            sampled++;
            String fileName = modules.get(m).getFileName().toString();
            byte[] file = Files.readAllBytes(modules.get(m));
            // The ELF object the kernel checks: decompressed, the signature trailer cut off (its
            // check is SignatureCorpusTest's; here every mutant must reach the phases after it).
            ByteBuffer image = ModuleSignature.unsignedContent(fileName, ModuleFiles.image(fileName, ByteBuffer.wrap(file)));
            byte[] original = new byte[image.remaining()];
            image.get(original);
            // Only a module that loads alone (its dependencies are not loaded here) can show what its mutants do.
            KernelSnapshot clean = kernel.snapshot();
            try {
                ModuleView v = kernel.load(fileName, ByteBuffer.wrap(original), LoadOptions.defaults());
                assertNull(MutationRun.imageChecks(v), fileName);
                kernel.deleteModule(v.name(), true);
            } catch (KernelException e) {
                needsOthers++;
                assertEquals(clean, kernel.snapshot(), fileName);
                continue;
            }
            Mutants mutants = new Mutants(original);
            for (Mutants.Kind kind : Mutants.Kind.values()) {
                List<Mutants.Mutant> all = new ArrayList<>(mutants.of(kind, random));
                // A sample of each kind: every kind of every sampled module, in bounded time.
                for (int i = 0; i < Math.min(PER_KIND, all.size()); i++) {
                    Collections.swap(all, i, i + random.nextInt(all.size() - i));
                }
                run.run(fileName, all.subList(0, Math.min(PER_KIND, all.size())));
            }
            if (ModuleFiles.compression(ByteBuffer.wrap(file)).isPresent()) {
                for (int round = 0; round < ROUNDS; round++) {
                    byte[] b = file.clone();
                    for (int i = 1 + random.nextInt(16); i > 0; i--) {
                        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                    }
                    KernelSnapshot before = kernel.snapshot();
                    String where = fileName + " compressed round " + round;
                    try {
                        ByteBuffer mutated = ModuleFiles.image(fileName, ByteBuffer.wrap(b));
                        String name = kernel.load(fileName, mutated, LoadOptions.defaults()).name();
                        compressedLoaded++;
                        kernel.deleteModule(name, true);
                    } catch (CompressedDataException e) {
                        undecompressable++;
                        assertEquals(1, e.getMessage().lines().count(), where + ": " + e.getMessage());
                        assertTrue(e.getMessage().startsWith(fileName + ": xz data: "), e.getMessage());
                        assertEquals(before, kernel.snapshot(), where);
                    } catch (KernelException e) {
                        compressedRefused++;
                        assertEquals(before, kernel.snapshot(), where + ": " + e.getMessage());
                    } catch (RuntimeException e) {
                        throw new AssertionError(where + ": " + e, e);
                    }
                }
            }
        }
        StringBuilder report = new StringBuilder(String.format("mutated %s modules (%d of %d sampled, up to %d mutants of"
                + " each kind from each of the %d that load alone):%n", flavour, sampled, modules.size(), PER_KIND,
                sampled - needsOthers));
        List<String> empty = new ArrayList<>();
        int total = 0;
        for (var e : run.tallies.entrySet()) {
            report.append("  ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
            total += e.getValue().mutants;
            if (e.getValue().mutants == 0) {
                empty.add(e.getKey().toString());
            }
        }
        report.append(String.format("  %d mutants, %d outside their class; slowest %.1f ms (%s); heap in use at most %d MiB"
                + " (sampled per module, garbage included)%n", total, run.violations.size(), run.slowestNanos / 1e6, run.slowest,
                peak >> 20));
        report.append(String.format("  compressed files: %d refused by the decompressor, %d refused by the kernel,"
                + " %d loaded%n", undecompressable, compressedRefused, compressedLoaded));
        System.out.print(report);
        assertTrue(empty.isEmpty(), "kinds without a mutant: " + empty);
        assertTrue(run.violations.isEmpty(), run.violations.size() + " outcomes outside their class:\n"
                + String.join("\n", run.violations.subList(0, Math.min(40, run.violations.size()))));
    }
}
