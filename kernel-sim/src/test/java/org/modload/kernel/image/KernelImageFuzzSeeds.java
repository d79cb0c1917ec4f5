package org.modload.kernel.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Makes the kernelImage fuzz target's seeds from real {@code vmlinuz} files (the corpus's are 6 to
 * 12 MB, too large to commit or to fuzz): for each, {@code NAME.truncated} is the real boot
 * sector, setup header and real-mode code, then the first 16 KiB of the real compressed payload,
 * with {@code payload_length} patched to what is left and its last 4 bytes made a size trailer
 * of 256 KiB (so the real stream's headers and first
 * blocks reach the decompressor, which then meets the cut); {@code NAME.sample} is the same real
 * setup part with a whole payload in the real one's compression (xz with the x86 filter, or zstd
 * by the {@code zstd} tool) of {@link TestVmlinux#sample} in the real one's ELF class, so the whole
 * reader runs. Run by hand (see LoaderFuzzTestInputs/kernelImage/SEEDS.md); test code only.
 */
public final class KernelImageFuzzSeeds {
    private static final int TRUNCATED_PAYLOAD = 16 * 1024;
    /** The size trailer given to a cut payload: small, so that each run allocates little. */
    private static final int CLAIMED_SIZE = 256 * 1024;

    private KernelImageFuzzSeeds() {
    }

    /** Arguments: the output directory, then each vmlinuz. */
    public static void main(String[] args) throws IOException, InterruptedException {
        Path out = Path.of(args[0]);
        for (String arg : Arrays.copyOfRange(args, 1, args.length)) {
            Path vmlinuz = Path.of(arg);
            byte[] real = Files.readAllBytes(vmlinuz);
            ByteBuffer b = ByteBuffer.wrap(real).order(ByteOrder.LITTLE_ENDIAN);
            int protectedMode = (Byte.toUnsignedInt(b.get(KernelPayload.SETUP_SECTS)) + 1) * 512;
            int start = protectedMode + b.getInt(KernelPayload.PAYLOAD_OFFSET);
            String name = vmlinuz.getFileName().toString();

            byte[] truncated = Arrays.copyOf(real, start + TRUNCATED_PAYLOAD);
            ByteBuffer t = ByteBuffer.wrap(truncated).order(ByteOrder.LITTLE_ENDIAN);
            t.putInt(KernelPayload.PAYLOAD_LENGTH, TRUNCATED_PAYLOAD);
            t.putInt(truncated.length - 4, CLAIMED_SIZE);
            Files.write(out.resolve(name + ".truncated"), truncated);

            boolean is64 = name.contains("amd64");
            byte[] vmlinux = TestVmlinux.sample(is64).build();
            boolean zstd = Byte.toUnsignedInt(real[start]) == 0x28;
            byte[] payload = zstd ? zstd(vmlinux) : TestBzImage.xzPayload(vmlinux);
            byte[] sample = Arrays.copyOf(real, start + payload.length);
            System.arraycopy(payload, 0, sample, start, payload.length);
            ByteBuffer.wrap(sample).order(ByteOrder.LITTLE_ENDIAN).putInt(KernelPayload.PAYLOAD_LENGTH,
                    payload.length);
            Files.write(out.resolve(name + ".sample"), sample);
        }
    }

    /** {@code zstd -19} of {@code vmlinux}, with the 4-byte size trailer as the kernel build appends it. */
    private static byte[] zstd(byte[] vmlinux) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("zstd", "-19", "-q", "-c").start();
        try (var in = p.getOutputStream()) {
            in.write(vmlinux);
        }
        byte[] z = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IOException("zstd failed");
        }
        byte[] withTrailer = Arrays.copyOf(z, z.length + 4);
        ByteBuffer.wrap(withTrailer, z.length, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(vmlinux.length);
        return withTrailer;
    }
}
