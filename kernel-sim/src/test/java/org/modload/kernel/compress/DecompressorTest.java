package org.modload.kernel.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.modload.kernel.diag.CompressedDataException;

/**
 * Every compression read back to the bytes its own tool compressed, with the options of a kernel
 * build (the oracle is the distribution's compressor, run at test time: {@link Compressors}), and
 * each kind of bad stream refused with one located line.
 */
class DecompressorTest {
    /** More than six lzop blocks (256 KiB each), one LZ4 block. */
    private static final int SIZE = 1_600_000;
    private static byte[] input;

    @BeforeAll
    static void input() {
        input = TestInputs.elfBytes(SIZE);
    }

    private static ByteBuffer decompress(String name, Compression c, byte[] data) {
        return Decompressor.decompress(name, c, ByteBuffer.wrap(data), 0, Decompressor.Limit.buffer());
    }

    private static byte[] array(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    private static CompressedDataException refusal(String name, Compression c, byte[] data) {
        return assertThrows(CompressedDataException.class, () -> decompress(name, c, data));
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void eachKernelCompressionReadsBackWhatItsToolMade(Compression c) {
        byte[] z = Compressors.compress(Compressors.kernelCommand(c), c, input);
        assertEquals(Optional.of(c), Compression.of(ByteBuffer.wrap(z)), "the tool's output starts with " + c + "'s magic");
        assertArrayEquals(input, array(decompress("vmlinux.bin." + c.tool(), c, z)));
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "XZ", "ZSTD"})
    void eachModuleCompressionIsReadByContent(Compression c) {
        byte[] z = Compressors.module(c, input);
        assertEquals(Optional.of(c), ModuleFiles.compression(ByteBuffer.wrap(z)));
        // The name says nothing: kmod, too, decides by the first bytes.
        assertArrayEquals(input, array(ModuleFiles.image("m.ko", ByteBuffer.wrap(z))));
    }

    @Test
    void anUncompressedModuleIsItsOwnImageWhateverItsName() {
        ByteBuffer plain = ByteBuffer.wrap(TestInputs.resource("/org/modload/kernel/samples/x86_64/hello.ko"));
        assertSame(plain, ModuleFiles.image("hello.ko.xz", plain));
        assertEquals(Optional.empty(), ModuleFiles.compression(plain));
    }

    @Test
    void aKernelOnlyCompressionIsNoModuleCompression() {
        byte[] bz = Compressors.compress(Compressors.kernelCommand(Compression.BZIP2), Compression.BZIP2, input);
        assertEquals(Optional.empty(), ModuleFiles.compression(ByteBuffer.wrap(bz)));
    }

    @Test
    void lz4LegacyBlocksAndConcatenatedFramesFollowEachOther() {
        byte[] big = TestInputs.elfBytes(9 * 1024 * 1024 + 12345); // two 8 MiB blocks
        byte[] z = Compressors.compress(List.of("lz4", "-l"), Compression.LZ4, big);
        byte[] twice = Arrays.copyOf(z, 2 * z.length);
        System.arraycopy(z, 0, twice, z.length, z.length);
        byte[] expected = Arrays.copyOf(big, 2 * big.length);
        System.arraycopy(big, 0, expected, big.length, big.length);
        assertArrayEquals(big, array(decompress("big.lz4", Compression.LZ4, z)));
        assertArrayEquals(expected, array(decompress("twice.lz4", Compression.LZ4, twice)));
    }

    @Test
    void theSizeHintIsTheOnlyAllocationWhenRight() {
        byte[] z = Compressors.compress(Compressors.kernelCommand(Compression.ZSTD), Compression.ZSTD, input);
        ByteBuffer out = Decompressor.decompress("v", Compression.ZSTD, ByteBuffer.wrap(z), input.length,
                new Decompressor.Limit(input.length, "the trailer says"));
        assertEquals(input.length, out.array().length, "no larger array than the bytes");
        assertArrayEquals(input, array(out));
    }

    // ---- refusals

    @Test
    void moreThanTheLimitIsRefusedNamingIt() {
        byte[] z = Compressors.module(Compression.XZ, input);
        CompressedDataException e = assertThrows(CompressedDataException.class, () -> Decompressor.decompress("m.ko.xz",
                Compression.XZ, ByteBuffer.wrap(z), 0, new Decompressor.Limit(100_000, "the test allows")));
        assertEquals("m.ko.xz: xz data: the xz stream decompresses to more than the 100000 bytes the test allows",
                e.getMessage());
        assertEquals("xz", e.format());
        assertEquals(OptionalLong.empty(), e.offset());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "XZ"})
    void aStreamCutInHalfIsTruncated(Compression c) {
        byte[] z = Compressors.module(c, input);
        byte[] cut = Arrays.copyOf(z, z.length / 2);
        CompressedDataException e = refusal("m.ko" + Compressors.moduleSuffix(c), c, cut);
        assertEquals(String.format("m.ko%s: %s data: truncated: the %s stream ends early, after all 0x%x bytes",
                Compressors.moduleSuffix(c), c.tool(), c.tool(), cut.length), e.getMessage());
        assertEquals(OptionalLong.of(cut.length), e.offset());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"BZIP2", "LZMA", "ZSTD"})
    void otherStreamsCutInHalfAreRefusedWhereTheyStop(Compression c) {
        byte[] z = Compressors.compress(Compressors.kernelCommand(c), c, input);
        byte[] cut = Arrays.copyOf(z, z.length / 2);
        CompressedDataException e = refusal("vmlinux.bin", c, cut);
        assertTrue(e.getMessage().startsWith("vmlinux.bin: " + c.tool() + " data: "), e.getMessage());
        assertTrue(e.offset().orElseThrow() <= cut.length, e.getMessage());
    }

    @Test
    void anLzopFileCutInsideABlockSaysWhere() {
        byte[] z = Compressors.compress(Compressors.kernelCommand(Compression.LZO), Compression.LZO, input);
        byte[] cut = Arrays.copyOf(z, z.length / 2);
        CompressedDataException e = refusal("vmlinux.bin.lzo", Compression.LZO, cut);
        assertTrue(e.getMessage().matches("vmlinux\\.bin\\.lzo: lzop data: truncated: the stream ends at byte 0x"
                + Integer.toHexString(cut.length) + ", inside the (block data|block's .*)"), e.getMessage());
    }

    @Test
    void anLz4BlockLongerThanWhatFollowsIsTruncated() {
        byte[] z = Compressors.compress(Compressors.kernelCommand(Compression.LZ4), Compression.LZ4, input);
        byte[] cut = Arrays.copyOf(z, z.length - 10);
        int claimed = ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
        CompressedDataException e = refusal("vmlinux.bin.lz4", Compression.LZ4, cut);
        assertEquals(String.format("vmlinux.bin.lz4: lz4 data: truncated: the block at byte 0x4 claims 0x%x bytes,"
                + " only 0x%x follow", claimed, cut.length - 8), e.getMessage());
    }

    @Test
    void anLzopBlockWhoseChecksumDisagreesIsCorrupt() {
        // Random bytes do not shrink, so lzop stores the block as it is: a flipped byte reaches the checksum.
        byte[] noise = new byte[1000];
        new SplittableRandom(13).nextBytes(noise);
        byte[] z = Compressors.compress(List.of("lzop", "-9"), Compression.LZO, noise);
        z[z.length - 4 - 500] ^= 0x40;
        CompressedDataException e = refusal("noise.lzo", Compression.LZO, z);
        assertTrue(e.getMessage().matches("noise\\.lzo: lzop data: corrupt near byte 0x[0-9a-f]+: block's Adler-32 is"
                + " [0-9a-f]{8}, its header says [0-9a-f]{8}"), e.getMessage());
    }

    @Test
    void anXzBlockWhoseCheckDisagreesIsCorrupt() {
        byte[] z = Compressors.module(Compression.XZ, input);
        z[z.length / 2] ^= 0x01;
        CompressedDataException e = refusal("m.ko.xz", Compression.XZ, z);
        assertTrue(e.getMessage().startsWith("m.ko.xz: xz data: corrupt near byte 0x"), e.getMessage());
    }

    @Test
    void anXzStreamAskingForTooMuchMemoryIsRefusedBeforeItsDictionaryIsAllocated() {
        byte[] z = Compressors.module(Compression.XZ, new byte[100]);
        // The block header after the 12-byte stream header: size, flags, then LZMA2's filter flags
        // (id 0x21, one property byte: the dictionary size), padding, CRC32. Ask for a 1 GiB dictionary.
        int header = 12;
        int size = ((z[header] & 0xff) + 1) * 4;
        int at = header + 2;
        int flags = z[header + 1] & 0xff;
        for (int sizeField : new int[] {0x40, 0x80}) {
            if ((flags & sizeField) != 0) {
                while ((z[at++] & 0x80) != 0) {
                    // a multibyte VLI: compressed or uncompressed size, written by multithreaded xz
                }
            }
        }
        assertEquals(0x21, z[at]);
        assertEquals(1, z[at + 1]);
        z[at + 2] = 36;
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(z, header, size - 4);
        ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN).putInt(header + size - 4, (int) crc.getValue());
        CompressedDataException e = refusal("huge.xz", Compression.XZ, z);
        assertTrue(e.getMessage().matches("huge\\.xz: xz data: the stream needs \\d+ KiB of memory to decompress, more"
                + " than the 262144 KiB allowed"), e.getMessage());
    }

    @Test
    void gzipOfAnotherMethodThanDeflateIsRefused() {
        byte[] z = Compressors.module(Compression.GZIP, input);
        z[2] = 9; // CM: 8 is deflate, the only method gzip defines
        CompressedDataException e = refusal("m.ko.gz", Compression.GZIP, z);
        assertTrue(e.getMessage().startsWith("m.ko.gz: gzip data: corrupt near byte 0x"), e.getMessage());
    }
}
