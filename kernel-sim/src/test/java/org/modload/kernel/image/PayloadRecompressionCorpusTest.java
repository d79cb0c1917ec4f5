package org.modload.kernel.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.modload.kernel.Corpora;
import org.modload.kernel.compress.Compression;
import org.modload.kernel.compress.Compressors;
import org.modload.loader.testing.ExternalTools;

/**
 * Each kernel payload compression read back to the same vmlinux: Debian 13's real vmlinux
 * (decompressed from its zstd payload by {@code zstd -dc}, the oracle) is recompressed at test
 * time by each of the other six tools with a kernel build's options and {@code size_append}, put
 * in place of the payload of the real vmlinuz ({@code payload_length} adjusted), and must read back
 * byte for byte, with the same exports. zstd is Debian's own payload, made by its build with
 * {@code zstd -22 --ultra}. Prints one line per compression: payload size and read time.
 */
@Tag("corpus")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PayloadRecompressionCorpusTest {
    private static final String FLAVOUR = "trixie-amd64";

    private byte[] vmlinuz;
    private byte[] vmlinux;
    private KernelImage reference;
    private final Map<Compression, Future<byte[]>> payloads = new EnumMap<>(Compression.class);
    private ExecutorService pool;

    @BeforeAll
    void readTheRealKernel() throws IOException {
        Path file = Corpora.vmlinuz(ExternalTools.corpus(FLAVOUR));
        vmlinuz = Files.readAllBytes(file);
        vmlinux = Corpora.vmlinux(file);
        reference = KernelImage.read(file);
        // The tools run two at a time while the payloads made first are read back.
        pool = Executors.newFixedThreadPool(2);
        for (Compression c : Compression.values()) {
            if (c != Compression.ZSTD) {
                payloads.put(c, pool.submit(() -> Compressors.kernelPayload(c, vmlinux)));
            }
        }
    }

    @AfterAll
    void stopTheTools() {
        pool.shutdownNow();
    }

    private byte[] payload(Compression c) {
        try {
            return payloads.get(c).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r; // a tool missing on a developer machine aborts the test with its message
            }
            throw new AssertionError(c + ": " + e.getCause(), e.getCause());
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void theRealVmlinuxRecompressedByEachToolReadsBack(Compression c) {
        ByteBuffer h = ByteBuffer.wrap(vmlinuz).order(ByteOrder.LITTLE_ENDIAN);
        int start = ((h.get(0x1f1) & 0xff) + 1) * 512 + h.getInt(0x248);
        int length = h.getInt(0x24c);
        byte[] payload = c == Compression.ZSTD ? Arrays.copyOfRange(vmlinuz, start, start + length)
                : payload(c);
        byte[] bz = new byte[vmlinuz.length - length + payload.length];
        System.arraycopy(vmlinuz, 0, bz, 0, start);
        System.arraycopy(payload, 0, bz, start, payload.length);
        System.arraycopy(vmlinuz, start + length, bz, start + payload.length, vmlinuz.length - start - length);
        ByteBuffer.wrap(bz).order(ByteOrder.LITTLE_ENDIAN).putInt(0x24c, payload.length);

        long t0 = System.nanoTime();
        ByteBuffer out = KernelPayload.vmlinux("vmlinuz." + c.tool(), ByteBuffer.wrap(bz));
        long t1 = System.nanoTime();
        byte[] got = new byte[out.remaining()];
        out.get(got);
        assertEquals(vmlinux.length, got.length, c + ": decompressed size");
        assertArrayEquals(vmlinux, got, c + ": decompressed bytes");
        KernelImage image = KernelImage.read("vmlinuz." + c.tool(), ByteBuffer.wrap(bz));
        assertEquals(c, image.compression());
        assertEquals(reference.exports(), image.exports(), c + ": exports");
        System.out.printf("payload %s (%s): %d bytes for a %d-byte vmlinux, decompressed in %.2f s, %d exports%n",
                c.tool(), c.kernelConfig(), payload.length, vmlinux.length, (t1 - t0) / 1e9, image.exports().size());
    }
}
