package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.Kernel;
import org.modload.kernel.KernelParameters;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.boot.KernelBoot;
import org.modload.kernel.image.KernelImage;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.KernelSnapshot;
import org.modload.kernel.model.SignaturePolicy;
import org.modload.loader.spi.Architectures;
import org.modload.loader.testing.ExternalTools;

/**
 * Hostile input from real modules: every 10th module of a Debian tree, with its signature
 * stripped or kept, and random bytes changed, loaded into a kernel booted from the tree's
 * vmlinuz. Each load succeeds or fails with a located KernelException and an unchanged kernel.
 */
@Tag("corpus")
class MutatedCorpusTest {
    private static final int ROUNDS = 10;

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "686"})
    void mutatedRealModulesFailCleanly(String flavour) throws IOException {
        Path corpus = ExternalTools.corpus(flavour);
        Path vmlinuz = LoadTreeCorpusTest.find(corpus.resolve("root/boot"), "vmlinuz-");
        // Signatures ignored (CONFIG_MODULE_SIG=n): a changed byte would otherwise stop every load at the
        // signature check, and the phases after it are what this test probes (SignatureCorpusTest
        // covers the signature check on real modules).
        Kernel kernel = Kernel.boot(KernelBoot.fromImage(KernelImage.read(vmlinuz), flavour), Architectures.installed(),
                KernelParameters.defaults().withSignaturePolicy(SignaturePolicy.IGNORE));
        List<Path> modules = ExternalTools.corpusModules(corpus);
        SplittableRandom random = new SplittableRandom(flavour.hashCode());
        int refused = 0;
        int loaded = 0;
        for (int m = 0; m < modules.size(); m += 10) {
            byte[] original = Files.readAllBytes(modules.get(m));
            for (int round = 0; round < ROUNDS; round++) {
                byte[] b = original.clone();
                for (int i = 1 + random.nextInt(16); i > 0; i--) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                KernelSnapshot before = kernel.snapshot();
                String where = modules.get(m).getFileName() + " round " + round;
                try {
                    String name = kernel.load(modules.get(m).getFileName().toString(), ByteBuffer.wrap(b),
                            LoadOptions.defaults()).name();
                    loaded++;
                    kernel.deleteModule(name, true);
                } catch (KernelException e) {
                    refused++;
                    assertEquals(before, kernel.snapshot(), where + ": " + e.getMessage());
                } catch (RuntimeException e) {
                    throw new AssertionError(where + ": " + e, e);
                }
            }
        }
        System.out.printf("mutated %s modules: %d loads refused cleanly, %d loaded and unloaded%n", flavour, refused,
                loaded);
    }
}
