package org.modload.kernel.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.diag.KernelImageException.Part;
import org.modload.kernel.diag.KernelImageException;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.Machine;

/** Reading synthetic kernel images: what comes out of a good one, and the message for each kind of bad one. */
class KernelImageTest {
    private static final String NAME = "vmlinuz-test";

    @TempDir
    Path tmp;

    private static KernelImage read(byte[] bzImage) {
        return KernelImage.read(NAME, ByteBuffer.wrap(bzImage));
    }

    private static KernelImageException failure(byte[] bzImage) {
        return assertThrows(KernelImageException.class, () -> read(bzImage));
    }

    private static void assertFailure(KernelImageException e, Part part, String section, OptionalLong offset,
            String message) {
        assertEquals(message, e.getMessage());
        assertEquals(part, e.part());
        assertEquals(section, e.section());
        assertEquals(offset, e.offset());
        assertEquals(NAME, e.file());
        assertEquals(0, e.getStackTrace().length, "no stack trace is recorded");
    }

    // ---- what a good image gives

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void readsEveryExportWithAddressCrcLicenceAndNamespace(boolean is64) {
        TestVmlinux v = TestVmlinux.sample(is64);
        KernelImage image = read(TestBzImage.of(v.build()));

        assertEquals(is64 ? Machine.EM_X86_64 : Machine.EM_386, image.machine());
        assertEquals(is64 ? ElfClass.ELFCLASS64 : ElfClass.ELFCLASS32, image.elfClass());
        assertTrue(image.modversions());
        long text = v.address(".text");
        long data = v.address(".data");
        long percpu = v.address(".data..percpu");
        assertEquals(List.of(
                new KernelExport("_printk", text + 0x40, 0x12345678, false, ""),
                new KernelExport("jiffies", data + 0x80, 0xcafef00d, false, ""),
                new KernelExport("current_task", percpu + 0x100, 0x0badc0de, false, ""),
                new KernelExport("cxl_bus_type", data + 0x200, 0x7fffffff, true, "CXL"),
                new KernelExport("kfree_sensitive", text + 0x400, 0x80000000, true, "")), image.exports());
        assertEquals(text + 0x40, image.export("_printk").orElseThrow().address());
        assertTrue(image.export("cxl_bus_type").orElseThrow().hasNamespace());
        assertTrue(image.export("printk").isEmpty());
        assertEquals(".text", image.sectionAt(text + 0x40).orElseThrow().name());
        assertEquals(".data..percpu", image.sectionAt(percpu + 0x100).orElseThrow().name());
        assertTrue(image.sectionAt(text + 0x1000).isEmpty(), "the end of .text is outside it");
        assertEquals(NAME + " (" + (is64 ? "EM_X86_64" : "EM_386") + ", 5 exports)", image.toString());
    }

    @Test
    void perCpuSymbolsOfX86_64WrapAroundLikeTheKernelsOffsetToPtr() {
        // .data..percpu is linked at 0: value_offset = 0x100 - 0xffffffff818000XX fits in an int only modulo 2^64.
        KernelImage image = read(TestBzImage.of(TestVmlinux.sample(true).build()));
        assertEquals(0x100L, image.export("current_task").orElseThrow().address());
    }

    @Test
    void thirtyTwoBitAddressesAreUnsigned() {
        KernelImage image = read(TestBzImage.of(TestVmlinux.sample(false).build()));
        assertEquals(0xc1000040L, image.export("_printk").orElseThrow().address());
    }

    @Test
    void withoutCrcTablesEveryCrcIsZero() {
        TestVmlinux v = TestVmlinux.sample(true).without("__kcrctab").without("__kcrctab_gpl");
        KernelImage image = read(TestBzImage.of(v.build()));
        assertFalse(image.modversions());
        assertTrue(image.exports().stream().allMatch(e -> e.crc() == 0));
        assertEquals(5, image.exports().size());
    }

    @Test
    void oldBootProtocolsAreSearchedForAStreamMagic() {
        byte[] bz = TestBzImage.wrap(TestBzImage.xzPayload(TestVmlinux.sample(true).build()), 0x207);
        Arrays.fill(bz, 0x248, 0x250, (byte) 0); // no payload fields before 2.08
        assertEquals(5, read(bz).exports().size());
    }

    @Test
    void aPayloadFieldPointingAtUnknownBytesFallsBackToTheSearch() {
        byte[] bz = TestBzImage.of(TestVmlinux.sample(false).build());
        ByteBuffer.wrap(bz).order(ByteOrder.LITTLE_ENDIAN).putInt(0x248, 0x10).putInt(0x24c, 0x20);
        assertEquals(5, read(bz).exports().size());
    }

    @Test
    void readsAFileAndLeavesTheCallersBufferAlone() throws IOException {
        byte[] bz = TestBzImage.of(TestVmlinux.sample(true).build());
        byte[] copy = bz.clone();
        Path file = Files.write(tmp.resolve(NAME), bz);
        assertEquals(5, KernelImage.read(file).exports().size());
        ByteBuffer buffer = ByteBuffer.wrap(bz);
        buffer.position(0);
        KernelImage.read(NAME, buffer);
        assertEquals(0, buffer.position());
        assertArrayEquals(copy, bz);
    }

    @Test
    void resultIsImmutable() {
        KernelImage image = read(TestBzImage.of(TestVmlinux.sample(true).build()));
        assertThrows(UnsupportedOperationException.class, () -> image.exports().clear());
        assertThrows(UnsupportedOperationException.class, () -> image.sections().clear());
    }

    // ---- the file and the bzImage

    @Test
    void missingFile() {
        Path missing = tmp.resolve("vmlinuz-none");
        KernelImageException e = assertThrows(KernelImageException.class, () -> KernelImage.read(missing));
        assertEquals("vmlinuz-none: no such file: " + missing, e.getMessage());
        assertEquals(Part.FILE, e.part());
        assertEquals(OptionalLong.empty(), e.offset());
    }

    @Test
    void truncatedSetupHeader() {
        KernelImageException e = failure(Arrays.copyOf(TestBzImage.of(TestVmlinux.sample(true).build()), 0x240));
        assertFailure(e, Part.BZIMAGE, "", OptionalLong.of(0x240), NAME + ": offset 0x240: truncated: file size 0x240"
                + " ends inside the x86 boot sector and setup header, which run to 0x250");
    }

    @Test
    void garbageIsNotABzImage() {
        byte[] garbage = new byte[0x1000];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 31 + 7);
        }
        assertFailure(failure(garbage), Part.BZIMAGE, "", OptionalLong.of(0x202), NAME + ": offset 0x202: not an"
                + " x86 bzImage: setup header magic is 45 64 83 a2, expected \"HdrS\" (48 64 72 53)");
    }

    @Test
    void anElfFileIsNotABzImage() {
        assertFailure(failure(TestVmlinux.sample(true).build()), Part.BZIMAGE, "", OptionalLong.of(0x202),
                NAME + ": offset 0x202: not an x86 bzImage: setup header magic is 00 00 00 00,"
                        + " expected \"HdrS\" (48 64 72 53)");
    }

    @Test
    void setupSectorsBeyondTheFile() {
        byte[] bz = Arrays.copyOf(TestBzImage.of(TestVmlinux.sample(true).build()), 0x300);
        assertFailure(failure(bz), Part.BZIMAGE, "", OptionalLong.of(0x1f1), NAME + ": offset 0x1f1: truncated:"
                + " setup_sects 1 puts the protected-mode kernel at 0x400, beyond file size 0x300");
    }

    @Test
    void truncatedPayload() {
        byte[] payload = TestBzImage.xzPayload(TestVmlinux.sample(true).build());
        int end = TestBzImage.payloadStart() + payload.length;
        byte[] bz = Arrays.copyOf(TestBzImage.wrap(payload), end - 100);
        assertFailure(failure(bz), Part.BZIMAGE, "", OptionalLong.of(0x248), String.format(NAME + ": offset 0x248:"
                + " truncated: payload at 0x400 + payload_offset 0x2c0 with payload_length 0x%x ends at 0x%x,"
                + " beyond file size 0x%x", payload.length, end, end - 100));
    }

    @Test
    void noPayloadAnywhere() {
        byte[] bz = TestBzImage.wrap(new byte[0x800]);
        assertFailure(failure(bz), Part.BZIMAGE, "", OptionalLong.of(0x400), NAME + ": offset 0x400: no compressed"
                + " payload: the payload at 0x6c0 starts 00 00 00 00 00 00, no compressor's magic, and no xz, lzop,"
                + " lz4, zstd stream magic follows in the file");
    }

    @Test
    void oldProtocolWithoutPayload() {
        byte[] bz = TestBzImage.wrap(new byte[0x800], 0x206);
        assertFailure(failure(bz), Part.BZIMAGE, "", OptionalLong.of(0x400), NAME + ": offset 0x400: no compressed"
                + " payload: boot protocol 2.06 has no payload_offset field, and no xz, lzop, lz4, zstd stream magic"
                + " follows in the file");
    }

    @Test
    void aPayloadThatIsNoStreamOfItsMagicIsOneLineNamingIt() {
        // gzip's magic, then no deflate data: the header says gzip, gzip refuses it.
        byte[] gzip = new byte[0x100];
        gzip[0] = 0x1f;
        gzip[1] = (byte) 0x8b;
        KernelImageException e = failure(TestBzImage.wrap(gzip));
        assertEquals(Part.PAYLOAD, e.part());
        assertEquals(OptionalLong.of(0x6c0), e.offset());
        assertTrue(e.getMessage().startsWith(NAME + ": gzip payload at offset 0x6c0: corrupt near byte 0x"), e.getMessage());
        byte[] zstd = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0};
        assertTrue(failure(TestBzImage.wrap(zstd)).getMessage().startsWith(NAME + ": zstd payload at offset 0x6c0: "),
                failure(TestBzImage.wrap(zstd)).getMessage());
    }

    @Test
    void payloadLengthTooSmall() {
        byte[] bz = TestBzImage.of(TestVmlinux.sample(true).build());
        ByteBuffer.wrap(bz).order(ByteOrder.LITTLE_ENDIAN).putInt(0x24c, 8);
        assertFailure(failure(bz), Part.BZIMAGE, "", OptionalLong.of(0x24c), NAME
                + ": offset 0x24c: payload_length 0x8 is too small for a compressed kernel");
    }

    // ---- the xz payload

    @Test
    void corruptXzData() {
        byte[] bz = TestBzImage.of(TestVmlinux.sample(true).build());
        int start = TestBzImage.payloadStart();
        for (int i = start + 0x40; i < start + 0x60; i++) {
            bz[i] ^= 0x55;
        }
        KernelImageException e = failure(bz);
        assertEquals(Part.PAYLOAD, e.part());
        assertEquals(OptionalLong.of(start), e.offset());
        assertTrue(e.getMessage().startsWith(NAME + ": xz payload at offset 0x6c0: corrupt near byte 0x"),
                e.getMessage());
    }

    @Test
    void corruptXzHeader() {
        byte[] bz = TestBzImage.of(TestVmlinux.sample(true).build());
        bz[TestBzImage.payloadStart() + 7] ^= 1; // stream flags, covered by the header CRC32
        assertFailure(failure(bz), Part.PAYLOAD, "", OptionalLong.of(0x6c0), NAME + ": xz payload at offset 0x6c0:"
                + " corrupt near byte 0xc: XZ Stream Header is corrupt");
    }

    @Test
    void xzStreamEndingEarly() {
        // An old-protocol image is found by searching, so nothing says where the stream should end.
        byte[] payload = TestBzImage.xzPayload(TestVmlinux.sample(true).build());
        byte[] bz = TestBzImage.wrap(payload, 0x207);
        Arrays.fill(bz, 0x248, 0x250, (byte) 0);
        byte[] cut = Arrays.copyOf(bz, TestBzImage.payloadStart() + payload.length / 2);
        assertFailure(failure(cut), Part.PAYLOAD, "", OptionalLong.of(0x6c0), String.format(NAME
                + ": xz payload at offset 0x6c0: truncated: the xz stream ends early, after all 0x%x bytes",
                payload.length / 2));
    }

    @Test
    void sizeTrailerSmallerThanTheStream() {
        byte[] vmlinux = TestVmlinux.sample(true).build();
        byte[] payload = TestBzImage.xzPayload(vmlinux);
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putInt(payload.length - 4, 100);
        assertFailure(failure(TestBzImage.wrap(payload)), Part.PAYLOAD, "", OptionalLong.of(0x6c0),
                String.format(NAME + ": xz payload at offset 0x6c0: the xz stream decompresses to more than the 100"
                        + " bytes the size trailer at payload byte 0x%x says", payload.length - 4));
    }

    @Test
    void sizeTrailerLargerThanTheStream() {
        byte[] vmlinux = TestVmlinux.sample(true).build();
        byte[] payload = TestBzImage.xzPayload(vmlinux);
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putInt(payload.length - 4, vmlinux.length + 1);
        assertFailure(failure(TestBzImage.wrap(payload)), Part.PAYLOAD, "", OptionalLong.of(0x6c0),
                String.format(NAME + ": xz payload at offset 0x6c0: the xz stream decompresses to %d bytes, but the"
                        + " size trailer at payload byte 0x%x says %d", vmlinux.length, payload.length - 4,
                        vmlinux.length + 1));
    }

    @Test
    void forgedHugeSizeTrailer() {
        byte[] payload = TestBzImage.xzPayload(TestVmlinux.sample(true).build());
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putInt(payload.length - 4, -1);
        assertFailure(failure(TestBzImage.wrap(payload)), Part.PAYLOAD, "", OptionalLong.of(0x6c0),
                String.format(NAME + ": xz payload at offset 0x6c0: the size trailer at payload byte 0x%x says"
                        + " 4294967295 bytes, more than the 1073741824 a kernel image may decompress to",
                        payload.length - 4));
    }

    // ---- the vmlinux inside

    @Test
    void payloadThatIsNotElf() {
        byte[] bz = TestBzImage.of("not a kernel, just text".getBytes(StandardCharsets.US_ASCII));
        assertFailure(failure(bz), Part.VMLINUX, "", OptionalLong.empty(), NAME + "(vmlinux): not an ELF file:"
                + " e_ident starts 6e 6f 74 20, not 7f 45 4c 46");
    }

    @Test
    void notX86() {
        assertFailure(failure(TestBzImage.of(TestVmlinux.sample(true).machine(50).build())), Part.VMLINUX, "",
                OptionalLong.empty(), NAME + "(vmlinux): is for EM_IA_64; only x86 kernels (EM_386, EM_X86_64),"
                        + " whose export tables hold PREL32 entries, can be read");
    }

    @Test
    void missingKsymtab() {
        assertFailure(failure(TestBzImage.of(TestVmlinux.sample(true).without("__ksymtab").build())), Part.VMLINUX,
                "", OptionalLong.empty(), NAME + "(vmlinux): no __ksymtab section: the kernel exports no symbols"
                        + " to modules");
    }

    @Test
    void missingKsymtabStrings() {
        assertFailure(failure(TestBzImage.of(TestVmlinux.sample(true).without("__ksymtab_strings").build())),
                Part.VMLINUX, "", OptionalLong.empty(), NAME + "(vmlinux): no __ksymtab_strings section: the names"
                        + " of the __ksymtab entries cannot be read");
    }

    @Test
    void nameOffsetOutsideTheStrings() {
        // Entry 1 (jiffies), name_offset at __ksymtab+0x10: point it 0x100 bytes before the strings.
        TestVmlinux v = TestVmlinux.sample(true);
        long field = v.address("__ksymtab") + 0x10;
        long target = v.address("__ksymtab_strings") - 0x100;
        v.patchInt("__ksymtab", 0x10, (int) (target - field));
        assertFailure(failure(TestBzImage.of(v.build())), Part.VMLINUX, "__ksymtab", OptionalLong.of(0x10),
                NAME + "(vmlinux):(__ksymtab+0x10): name_offset 0x3fef0 (entry 1) points at 0xffffffff8183ff00,"
                        + " outside __ksymtab_strings [0xffffffff81840000, 0xffffffff8184003f)");
    }

    @Test
    void negativeNameOffsetOutsideTheStrings() {
        TestVmlinux v = TestVmlinux.i386();
        v.export(new TestVmlinux.Export("a", ".text", 0, 0, true, null));
        v.patchInt("__ksymtab_gpl", 4, -0x20);
        assertFailure(failure(TestBzImage.of(v.build())), Part.VMLINUX, "__ksymtab_gpl", OptionalLong.of(4),
                NAME + "(vmlinux):(__ksymtab_gpl+0x4): name_offset -0x20 (entry 0) points at 0xc180ffe4,"
                        + " outside __ksymtab_strings [0xc1840000, 0xc1840002)");
    }

    @Test
    void namespaceOffsetOutsideTheStrings() {
        TestVmlinux v = TestVmlinux.sample(false);
        v.patchInt("__ksymtab_gpl", 8, 0x7fffffff);
        assertFailure(failure(TestBzImage.of(v.build())), Part.VMLINUX, "__ksymtab_gpl", OptionalLong.of(8),
                NAME + "(vmlinux):(__ksymtab_gpl+0x8): namespace_offset 0x7fffffff (entry 0) points at 0x41810007,"
                        + " outside __ksymtab_strings [0xc1840000, 0xc184003f)");
    }

    @Test
    void nameRunningOffTheEndOfTheStrings() {
        TestVmlinux v = TestVmlinux.x86_64();
        v.export(new TestVmlinux.Export("abc", ".text", 0, 0, false, null));
        v.size("__ksymtab_strings", 3); // "abc" without its NUL
        assertFailure(failure(TestBzImage.of(v.build())), Part.VMLINUX, "__ksymtab", OptionalLong.of(4),
                NAME + "(vmlinux):(__ksymtab+0x4): name_offset 0x3fffc (entry 0) points at a string at"
                        + " 0xffffffff81840000 that runs off the end of __ksymtab_strings without a NUL");
    }

    @Test
    void emptyName() {
        TestVmlinux v = TestVmlinux.sample(true);
        // entry 0's name is "_printk" at strings+0; point it at the NUL that ends it.
        long field = v.address("__ksymtab") + 4;
        v.patchInt("__ksymtab", 4, (int) (v.address("__ksymtab_strings") + 7 - field));
        assertFailure(failure(TestBzImage.of(v.build())), Part.VMLINUX, "__ksymtab", OptionalLong.of(4),
                NAME + "(vmlinux):(__ksymtab+0x4): name_offset 0x40003 (entry 0) points at an empty name");
    }

    @Test
    void ksymtabSizeNotAMultipleOfTheEntrySize() {
        TestVmlinux v = TestVmlinux.sample(true).size("__ksymtab_gpl", 20);
        assertFailure(failure(TestBzImage.of(v.build())), Part.VMLINUX, "__ksymtab_gpl", OptionalLong.of(12),
                NAME + "(vmlinux):(__ksymtab_gpl+0xc): sh_size 0x14 is not a multiple of 12, the size of a PREL32"
                        + " kernel_symbol");
    }

    @Test
    void crcTableOfTheWrongSize() {
        TestVmlinux v = TestVmlinux.sample(true).size("__kcrctab", 8);
        assertFailure(failure(TestBzImage.of(v.build())), Part.VMLINUX, "__kcrctab", OptionalLong.of(0),
                NAME + "(vmlinux):(__kcrctab+0x0): sh_size 0x8 is not 4 * 3, one CRC per __ksymtab entry");
    }

    @Test
    void oneCrcTableMissing() {
        TestVmlinux v = TestVmlinux.sample(true).without("__kcrctab_gpl");
        assertFailure(failure(TestBzImage.of(v.build())), Part.VMLINUX, "", OptionalLong.empty(),
                NAME + "(vmlinux): no __kcrctab_gpl section, though the kernel has CRC tables and __ksymtab_gpl"
                        + " holds 2 entries");
    }

    @Test
    void duplicateExport() {
        TestVmlinux v = TestVmlinux.sample(true)
                .export(new TestVmlinux.Export("jiffies", ".data", 0x10, 1, true, null));
        assertFailure(failure(TestBzImage.of(v.build())), Part.VMLINUX, "__ksymtab_gpl", OptionalLong.of(0x1c),
                NAME + "(vmlinux):(__ksymtab_gpl+0x1c): 'jiffies' is exported twice; first by __ksymtab+0xc");
    }

    @Test
    void malformedElfIsReportedWithItsSection() {
        byte[] vmlinux = TestVmlinux.sample(true).build();
        ByteBuffer b = ByteBuffer.wrap(vmlinux).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(40);
        // section 4 (__ksymtab): sh_offset far beyond the file
        b.putLong((int) shoff + 4 * 64 + 24, 0x10000000L);
        KernelImageException e = failure(TestBzImage.of(vmlinux));
        assertEquals(Part.VMLINUX, e.part());
        assertEquals("__ksymtab", e.section());
        assertEquals(NAME + "(vmlinux): section header 4 (__ksymtab): sh_offset 0x10000000 + sh_size 0x24 exceeds"
                + " file size 0x" + Integer.toHexString(vmlinux.length), e.getMessage());
    }
}
