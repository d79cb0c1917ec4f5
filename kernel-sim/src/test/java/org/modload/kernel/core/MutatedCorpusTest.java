package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.modload.kernel.model.SignaturePolicy;
import org.modload.loader.spi.Architectures;
import org.modload.loader.testing.ExternalTools;

/**
 * Hostile input from real modules: every 10th module of a Debian tree, with its signature
 * stripped or kept, and random bytes changed, loaded into a kernel booted from the tree's
 * vmlinuz. Each load succeeds or fails with a located KernelException and an unchanged kernel.
 * Debian 13's {@code .ko.xz} modules are mutated twice: their decompressed image (what the kernel
 * checks), and the compressed file itself, which must either fail to decompress with one located
 * line or decompress to an image the kernel then loads or refuses as above.
 */
@Tag("corpus")
class MutatedCorpusTest {
    private static final int ROUNDS = 10;

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
        int refused = 0;
        int loaded = 0;
        int undecompressable = 0;
        for (int m = 0; m < modules.size(); m += 10) {
            byte[] file = Files.readAllBytes(modules.get(m));
            ByteBuffer image = ModuleFiles.image(modules.get(m).getFileName().toString(), ByteBuffer.wrap(file));
            byte[] original = new byte[image.remaining()];
            image.get(original);
            if (ModuleFiles.compression(ByteBuffer.wrap(file)).isPresent()) {
                for (int round = 0; round < ROUNDS; round++) {
                    byte[] b = file.clone();
                    for (int i = 1 + random.nextInt(16); i > 0; i--) {
                        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                    }
                    KernelSnapshot before = kernel.snapshot();
                    String fileName = modules.get(m).getFileName().toString();
                    String where = fileName + " compressed round " + round;
                    try {
                        ByteBuffer mutated = ModuleFiles.image(fileName, ByteBuffer.wrap(b));
                        String name = kernel.load(fileName, mutated, LoadOptions.defaults()).name();
                        loaded++;
                        kernel.deleteModule(name, true);
                    } catch (CompressedDataException e) {
                        undecompressable++;
                        assertEquals(1, e.getMessage().lines().count(), where + ": " + e.getMessage());
                        assertTrue(e.getMessage().startsWith(fileName + ": xz data: "), e.getMessage());
                        assertEquals(before, kernel.snapshot(), where);
                    } catch (KernelException e) {
                        refused++;
                        assertEquals(before, kernel.snapshot(), where + ": " + e.getMessage());
                    } catch (RuntimeException e) {
                        throw new AssertionError(where + ": " + e, e);
                    }
                }
            }
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
        System.out.printf("mutated %s modules: %d loads refused cleanly, %d loaded and unloaded, %d compressed files"
                + " refused by the decompressor%n", flavour, refused, loaded, undecompressable);
    }
}
