package org.modload.kernel.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalLong;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.modload.kernel.compress.Compression;
import org.modload.kernel.compress.Compressors;
import org.modload.kernel.diag.KernelImageException;

/**
 * A bzImage whose payload is made by each of the kernel's seven compressors, run at test time
 * with a kernel build's options and {@code size_append}, reads back to the vmlinux that was
 * compressed, and its exports read from it (the real-kernel version of this is
 * {@code PayloadRecompressionCorpusTest}).
 */
class KernelPayloadTest {
    private static final String NAME = "vmlinuz-test";

    @ParameterizedTest
    @EnumSource(Compression.class)
    void everyKernelCompressionIsFoundByMagicAndReadBack(Compression c) {
        byte[] vmlinux = TestVmlinux.sample(true).build();
        byte[] bz = TestBzImage.wrap(Compressors.kernelPayload(c, vmlinux));
        KernelPayload payload = KernelPayload.locate(NAME, ByteBuffer.wrap(bz));
        assertEquals(new KernelPayload(c, 0x20f, TestBzImage.payloadStart(), payload.length(), true), payload);
        ByteBuffer out = KernelPayload.vmlinux(NAME, ByteBuffer.wrap(bz));
        byte[] got = new byte[out.remaining()];
        out.get(got);
        assertArrayEquals(vmlinux, got);
        assertEquals(ByteOrder.LITTLE_ENDIAN, out.order());
        KernelImage image = KernelImage.read(NAME, ByteBuffer.wrap(bz));
        assertEquals(c, image.compression());
        assertEquals(5, image.exports().size());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "ZSTD", "LZ4", "LZO"})
    void aSizeTrailerLargerThanTheStreamIsRefusedWhateverTheCompression(Compression c) {
        byte[] vmlinux = TestVmlinux.sample(true).build();
        byte[] payload = Compressors.kernelPayload(c, vmlinux);
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putInt(payload.length - 4, vmlinux.length + 1);
        KernelImageException e = assertThrows(KernelImageException.class,
                () -> KernelImage.read(NAME, ByteBuffer.wrap(TestBzImage.wrap(payload))));
        assertEquals(String.format("%s: %s payload at offset 0x6c0: the %s stream decompresses to %d bytes, but the"
                + " size trailer at payload byte 0x%x says %d", NAME, c.tool(), c.tool(), vmlinux.length,
                payload.length - 4, vmlinux.length + 1), e.getMessage());
        assertEquals(KernelImageException.Part.PAYLOAD, e.part());
        assertEquals(OptionalLong.of(TestBzImage.payloadStart()), e.offset());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"BZIP2", "LZMA", "ZSTD"})
    void aSizeTrailerSmallerThanTheStreamIsRefused(Compression c) {
        byte[] vmlinux = TestVmlinux.sample(true).build();
        byte[] payload = Compressors.kernelPayload(c, vmlinux);
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putInt(payload.length - 4, 100);
        KernelImageException e = assertThrows(KernelImageException.class,
                () -> KernelImage.read(NAME, ByteBuffer.wrap(TestBzImage.wrap(payload))));
        assertEquals(String.format("%s: %s payload at offset 0x6c0: the %s stream decompresses to more than the 100"
                + " bytes the size trailer at payload byte 0x%x says", NAME, c.tool(), c.tool(), payload.length - 4),
                e.getMessage());
    }

    /** The formats that check their data (legacy lzma and LZ4's legacy frame carry no checksum). */
    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "BZIP2", "XZ", "LZO", "ZSTD"})
    void aCorruptPayloadIsOneLocatedLineNamingItsCompression(Compression c) {
        byte[] vmlinux = TestVmlinux.sample(true).build();
        byte[] payload = Compressors.kernelPayload(c, vmlinux);
        // Past every format's header, before the trailer: the compressed data itself.
        for (int i = payload.length / 2; i < payload.length / 2 + 16; i++) {
            payload[i] ^= 0x5a;
        }
        KernelImageException e = assertThrows(KernelImageException.class,
                () -> KernelImage.read(NAME, ByteBuffer.wrap(TestBzImage.wrap(payload))));
        assertTrue(e.getMessage().startsWith(NAME + ": " + c.tool() + " payload at offset 0x6c0: "), e.getMessage());
        assertEquals(KernelImageException.Part.PAYLOAD, e.part());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
