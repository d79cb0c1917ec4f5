package org.modload.kernel.modinfo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modload.kernel.modinfo.ModinfoFixtures.AMD64_SIGNED;
import static org.modload.kernel.modinfo.ModinfoFixtures.I686_SIGNED;
import static org.modload.kernel.modinfo.ModinfoFixtures.UNSIGNED;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.diag.MalformedModuleException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.ElfHeader;

/**
 * {@link ModuleSignature} reads what kmod's {@code modinfo} shows of a real signature (kmod runs
 * at test time), finds where the module proper ends, and refuses each malformed trailer with a
 * located message. Layout of a signed file: module, PKCS#7 (sig_len bytes), a 12-byte
 * {@code struct module_signature} whose last 4 bytes are the big-endian sig_len, 28 bytes of magic.
 */
class ModuleSignatureTest {
    private static final int MAGIC = 28;
    private static final int TRAILER = 12 + MAGIC;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {AMD64_SIGNED, I686_SIGNED})
    void fieldsAreWhatKmodShows(String resource) {
        Path ko = ModinfoFixtures.copy(resource, dir);
        ModuleSignature sig = read(ko.getFileName().toString(), ModuleInfoTest.readAll(ko)).orElseThrow();

        assertEquals(kmodField(ko, "sig_id"), sig.idType());
        assertEquals(kmodField(ko, "signer"), sig.signer());
        assertEquals(kmodField(ko, "sig_hashalgo"), sig.hashAlgorithm());
        assertArrayEquals(kmodHex(ko, "sig_key"), sig.keyId());
        assertArrayEquals(kmodHex(ko, "signature"), sig.signature());
        assertEquals("2.16.840.1.101.3.4.2.1", sig.digestAlgorithmOid());
    }

    @ParameterizedTest
    @ValueSource(strings = {AMD64_SIGNED, I686_SIGNED})
    void theModuleProperEndsWithItsSectionHeaderTable(String resource) {
        byte[] bytes = ModinfoFixtures.bytes(resource);
        ByteBuffer whole = ByteBuffer.wrap(bytes);
        ModuleSignature sig = ModuleSignature.read("m.ko", whole).orElseThrow();

        // ld -r writes the section header table last, so it ends where the signature begins.
        ElfHeader h = ElfFile.readHeader("m.ko", whole);
        assertEquals(h.shoff() + (long) h.shnum() * h.shentsize(), sig.contentLength());
        assertEquals(bytes.length - TRAILER - sigLen(bytes), sig.contentLength());
        assertArrayEquals(Arrays.copyOfRange(bytes, (int) sig.contentLength(), bytes.length - TRAILER), sig.pkcs7());
        ByteBuffer content = sig.content(whole);
        assertEquals(sig.contentLength(), content.remaining());
        assertEquals(sig.contentLength(), ElfFile.parse("m.ko", content).size());
    }

    @Test
    void anUnsignedModuleHasNoSignature(@TempDir Path tmp) {
        Path ko = ModinfoFixtures.copy(UNSIGNED, tmp);
        byte[] bytes = ModuleInfoTest.readAll(ko);
        assertFalse(ModuleSignature.isSigned(ByteBuffer.wrap(bytes)));
        assertEquals(Optional.empty(), read("demo_user.ko", bytes));
        assertEquals("", ModinfoFixtures.kmod(null, "-F", "sig_id", ko.toString()));
    }

    @Test
    void aTrailerTooShortForTheStructIsTruncated() {
        byte[] signed = ModinfoFixtures.bytes(AMD64_SIGNED);
        byte[] tail = Arrays.copyOfRange(signed, signed.length - MAGIC - 5, signed.length);
        assertTrue(ModuleSignature.isSigned(ByteBuffer.wrap(tail)));
        assertEquals("hangcheck-timer.ko: offset 0x5: signature trailer truncated: 5 bytes precede the magic,"
                + " struct module_signature needs 12", failure(tail).getMessage());
    }

    @Test
    void aSigLenBeyondTheFileIsRefused() {
        byte[] bytes = ModinfoFixtures.bytes(AMD64_SIGNED); // 12169 bytes: struct module_signature at 0x2f61
        assertEquals(12169, bytes.length);
        ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN).putInt(bytes.length - MAGIC - 4, 0x7fffffff);
        MalformedModuleException e = failure(bytes);
        assertEquals("hangcheck-timer.ko: offset 0x2f61: signature sig_len 0x7fffffff is not less than the 0x2f61"
                + " bytes before struct module_signature", e.getMessage());
        assertEquals(MalformedModuleException.Part.SIGNATURE, e.part());
        assertEquals(0x2f61, e.offset());
    }

    @Test
    void aSigLenOfZeroIsRefused() {
        byte[] bytes = ModinfoFixtures.bytes(AMD64_SIGNED);
        ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN).putInt(bytes.length - MAGIC - 4, 0);
        assertEquals("hangcheck-timer.ko: offset 0x2f61: signature sig_len is 0", failure(bytes).getMessage());
    }

    @Test
    void garbageInsteadOfPkcs7IsRefusedWhereTheMessageStarts() {
        byte[] bytes = ModinfoFixtures.bytes(AMD64_SIGNED); // sig_len 681: PKCS#7 at 12169 - 40 - 681 = 0x2cb8
        assertEquals(681, sigLen(bytes));
        Arrays.fill(bytes, 0x2cb8, 0x2cb8 + 681, (byte) 0x5a);
        MalformedModuleException e = failure(bytes);
        assertEquals("hangcheck-timer.ko: offset 0x2cb8: signature is not a PKCS#7 SignedData message (681 bytes)",
                e.getMessage());
        assertEquals(0x2cb8, e.offset());
    }

    @Test
    void wellFormedDerThatIsNotSignedDataIsRefused() {
        byte[] bytes = ModinfoFixtures.bytes(AMD64_SIGNED);
        // A SEQUENCE holding one INTEGER, zero-padded to sig_len: DER, but no ContentInfo.
        byte[] seq = {0x30, 0x03, 0x02, 0x01, 0x07};
        Arrays.fill(bytes, 0x2cb8, 0x2cb8 + 681, (byte) 0);
        System.arraycopy(seq, 0, bytes, 0x2cb8, seq.length);
        assertEquals("hangcheck-timer.ko: offset 0x2cb8: signature is not a PKCS#7 SignedData message (681 bytes)",
                failure(bytes).getMessage());
    }

    @Test
    void signedDataWithoutSignerIsRefused() throws Exception {
        byte[] der = new CMSSignedDataGenerator().generate(new CMSProcessableByteArray(new byte[] {1, 2, 3}), false)
                .getEncoded();
        byte[] module = new byte[0x40];
        assertEquals("hangcheck-timer.ko: offset 0x40: PKCS#7 message has no SignerInfo",
                failure(signedFile(module, der, 0, 0, 2, 0, 0)).getMessage());
    }

    @Test
    void onlyPkcs7SignaturesAreAccepted() {
        byte[] bytes = ModinfoFixtures.bytes(AMD64_SIGNED);
        bytes[bytes.length - TRAILER + 2] = 1; // id_type PKEY_ID_X509
        assertEquals("hangcheck-timer.ko: offset 0x2f61: signature id_type 1 is not PKEY_ID_PKCS7 (2)",
                failure(bytes).getMessage());
    }

    @Test
    void aPkcs7StructWithNonZeroFieldsIsRefusedAsTheKernelDoes() {
        byte[] bytes = ModinfoFixtures.bytes(AMD64_SIGNED);
        bytes[bytes.length - TRAILER + 3] = 4; // signer_len
        bytes[bytes.length - TRAILER + 7] = 1; // pad[2]
        assertEquals("hangcheck-timer.ko: offset 0x2f61: PKCS#7 signature info has non-zero fields: algo 0, hash 0,"
                + " signer_len 4, key_id_len 0, pad 00 00 01", failure(bytes).getMessage());
    }

    @Test
    void aPartialMagicIsNoSignature() {
        byte[] signed = ModinfoFixtures.bytes(AMD64_SIGNED);
        byte[] cut = Arrays.copyOf(signed, signed.length - 1);
        assertFalse(ModuleSignature.isSigned(ByteBuffer.wrap(cut)));
        assertEquals(Optional.empty(), read("hangcheck-timer.ko", cut));
    }

    /** module, der, struct module_signature {algo, hash, id_type, signer_len, key_id_len, pad 0, sig_len}, magic. */
    private static byte[] signedFile(byte[] module, byte[] der, int algo, int hash, int idType, int signerLen, int keyIdLen) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(module);
        out.writeBytes(der);
        out.writeBytes(new byte[] {(byte) algo, (byte) hash, (byte) idType, (byte) signerLen, (byte) keyIdLen, 0, 0, 0});
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(der.length).array());
        out.writeBytes("~Module signature appended~\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static int sigLen(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN).getInt(bytes.length - MAGIC - 4);
    }

    private static Optional<ModuleSignature> read(String name, byte[] bytes) {
        return ModuleSignature.read(name, ByteBuffer.wrap(bytes));
    }

    private static MalformedModuleException failure(byte[] bytes) {
        return assertThrows(MalformedModuleException.class, () -> read("hangcheck-timer.ko", bytes));
    }

    /** {@code modinfo -F KEY} without its newline. */
    private static String kmodField(Path ko, String key) {
        String out = ModinfoFixtures.kmod(null, "-F", key, ko.toString());
        assertTrue(out.endsWith("\n"), key + ": " + out);
        return out.substring(0, out.length() - 1);
    }

    /** A field kmod prints as colon-separated hex (wrapped with newline and tabs), as bytes. */
    private static byte[] kmodHex(Path ko, String key) {
        String hex = kmodField(ko, key).replaceAll("\\s", "");
        String[] parts = hex.split(":");
        byte[] b = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            b[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return b;
    }
}
