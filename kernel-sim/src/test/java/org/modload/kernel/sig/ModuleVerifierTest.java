package org.modload.kernel.sig;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.kernel.diag.Errnos;
import org.modload.kernel.diag.ModuleSignatureException;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.Keyring;
import org.modload.kernel.model.TrustedKey;

/**
 * {@link ModuleVerifier} against modules signed at test time by OpenSSL as Linux's sign-file
 * signs them (RSA and ECDSA P-384 keys of our own, made as certs/Makefile makes signing_key.pem),
 * with OpenSSL's {@code cms -verify} as the oracle for the good and the tampered files. Each
 * tampering gets the errno Linux's module_sig_check() answers with (kernel/module/signing.c,
 * kernel/module_signature.c, crypto/asymmetric_keys/pkcs7_*.c) and its exact message. The signed
 * module is the bundled sample {@code hello.ko} (x86_64).
 */
class ModuleVerifierTest {
    /** Serial numbers chosen here, so that the SignerInfo's bytes can be found and the key ids known. */
    private static final String RSA_SERIAL = "0x5eed00112233445566";
    private static final String EC_SERIAL = "0x0ec0384a5b";

    @TempDir
    static Path dir;

    private static SignFile rsa;
    private static SignFile ec;
    private static SignFile other;
    private static byte[] module;
    private static byte[] signed;
    private static Keyring keyring;

    private final ModuleVerifier verifier = new ModuleVerifier();

    @BeforeAll
    static void keys() throws IOException {
        rsa = SignFile.newKey(dir, "rsa", "modload test signing key", "rsa:2048", RSA_SERIAL);
        ec = SignFile.newKey(dir, "ec", "modload test ECDSA key", "ec", EC_SERIAL);
        other = SignFile.newKey(dir, "other", "another kernel key", "rsa:2048", "0x0bad");
        module = sample("hello");
        signed = rsa.sign(module, "sha256");
        assertTrue(rsa.opensslVerifies(signed), "openssl verifies the fixture");
        keyring = new Keyring(Certificates.read(rsa.pem())).with(Certificates.read(ec.der()));
    }

    static byte[] sample(String name) {
        try (InputStream in = ModuleVerifierTest.class.getResourceAsStream("/org/modload/kernel/samples/x86_64/" + name
                + ".ko")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private VerifiedSignature verify(byte[] file) {
        return verifier.verify("hello.ko", ByteBuffer.wrap(file), keyring);
    }

    private ModuleSignatureException refused(byte[] file) {
        return assertThrows(ModuleSignatureException.class, () -> verify(file));
    }

    /** openssl x509 -serial prints {@code serial=5EED00112233445566}; modinfo's form puts colons between the bytes. */
    private static String colons(String opensslSerial) {
        String hex = opensslSerial.substring(opensslSerial.indexOf('=') + 1);
        return String.join(":", hex.split("(?<=\\G..)"));
    }

    @Test
    void anRsaSignatureVerifies() {
        VerifiedSignature v = verify(signed);
        assertAll(
                () -> assertEquals("modload test signing key", v.signer()),
                () -> assertEquals(colons(rsa.x509("-serial")), v.keyId()),
                () -> assertEquals("5E:ED:00:11:22:33:44:55:66", v.keyId()),
                () -> assertEquals("sha256", v.hashAlgorithm()),
                () -> assertEquals("rsa", v.key().algorithm()),
                () -> assertEquals(2048, v.key().bits()),
                () -> assertEquals(module.length, v.moduleLength()),
                () -> assertArrayEquals(module, bytes(v.module(ByteBuffer.wrap(signed)))));
    }

    @Test
    void anEcdsaP384SignatureVerifiesAsDebian13Signs() {
        byte[] file = ec.sign(module, "sha256");
        assertTrue(ec.opensslVerifies(file));
        VerifiedSignature v = verify(file);
        assertEquals("modload test ECDSA key", v.signer());
        assertEquals("0E:C0:38:4A:5B", v.keyId());
        assertEquals("ecdsa-nist-p384", v.key().algorithm());
        assertEquals(384, v.key().bits());
    }

    @Test
    void everyHashOfCONFIG_MODULE_SIG_HASHVerifies() {
        for (String md : List.of("sha1", "sha224", "sha256", "sha384", "sha512", "sha3-256", "sha3-384", "sha3-512")) {
            assertEquals(md, verify(rsa.sign(module, md)).hashAlgorithm(), md);
        }
    }

    /** sign-file -k: the SignerInfo names the key by subjectKeyIdentifier (CMS version 3). */
    @Test
    void aSignerNamedBySubjectKeyIdentifierVerifies() {
        byte[] file = SignFile.append(module, ec.pkcs7(module, "sha384", "-noattr", "-keyid"));
        assertTrue(ec.opensslVerifies(file));
        String skid = ec.x509("-ext", "subjectKeyIdentifier").lines().reduce((a, b) -> b).orElseThrow().trim();
        VerifiedSignature v = verify(file);
        assertEquals(skid, v.keyId());
        assertEquals("modload test ECDSA key", v.signer());
        assertEquals("sha384", v.hashAlgorithm());
    }

    // --- tampering: each with Linux's errno and our exact message ---

    /** One byte flipped in the ELF part: the digest no longer matches (openssl agrees). */
    @Test
    void aByteFlippedInTheModuleIsRejected() {
        byte[] file = signed.clone();
        file[0x40] ^= 1;
        assertFalse(rsa.opensslVerifies(file));
        ModuleSignatureException e = refused(file);
        assertEquals(Errno.EKEYREJECTED, Errnos.of(e));
        assertEquals("hello.ko: offset 0x" + Integer.toHexString(module.length) + ": sha256 signature by key \""
                + description(rsa) + "\" (rsa) does not verify", e.getMessage());
    }

    /** The last byte of the PKCS#7 message is the signature value's last byte. */
    @Test
    void aByteFlippedInTheSignatureValueIsRejected() {
        byte[] file = signed.clone();
        file[file.length - SignFile.MARKER.length() - 12 - 1] ^= 1;
        assertFalse(rsa.opensslVerifies(file));
        ModuleSignatureException e = refused(file);
        assertEquals(Errno.EKEYREJECTED, Errnos.of(e));
        assertEquals("hello.ko: offset 0x" + Integer.toHexString(module.length) + ": sha256 signature by key \""
                + description(rsa) + "\" (rsa) does not verify", e.getMessage());
    }

    /** The message's first byte (its SEQUENCE tag): the ASN.1 decoder refuses it, EBADMSG. */
    @Test
    void aByteFlippedInTheSignaturesStructureIsABadMessage() {
        byte[] file = signed.clone();
        file[module.length] ^= 0x01;
        ModuleSignatureException e = refused(file);
        assertEquals(Errno.EBADMSG, Errnos.of(e));
        assertEquals("hello.ko: offset 0x" + Integer.toHexString(module.length) + ": PKCS#7 message is not a DER"
                + " ContentInfo (" + pkcs7Length() + " bytes)", e.getMessage());
    }

    /** A serial number byte in the SignerInfo: it now names a key the keyring does not hold, ENOKEY. */
    @Test
    void aByteFlippedInTheSignersSerialNamesNoKey() {
        byte[] file = signed.clone();
        int at = indexOf(file, module.length, HexFormat.of().parseHex("5eed00112233445566"));
        file[at + 8] ^= 1;
        ModuleSignatureException e = refused(file);
        assertEquals(Errno.ENOKEY, Errnos.of(e));
        assertEquals("hello.ko: offset 0x" + Integer.toHexString(module.length) + ": signer \"modload test signing"
                + " key\" key 5E:ED:00:11:22:33:44:55:67 is not in the keyring (2 keys)", e.getMessage());
    }

    /** struct module_signature's id_type (its third byte): "not signed with expected PKCS#7 message", ENOPKG. */
    @Test
    void anotherIdTypeInTheTrailerIsUnsupported() {
        byte[] file = signed.clone();
        file[infoAt() + 2] = 1; // PKEY_ID_X509
        ModuleSignatureException e = refused(file);
        assertEquals(Errno.ENOPKG, Errnos.of(e));
        assertEquals("hello.ko: offset 0x" + Integer.toHexString(infoAt()) + ": not signed with expected PKCS#7"
                + " message (id_type 1, PKEY_ID_PKCS7 is 2)", e.getMessage());
        assertEquals(signed.length - SignFile.MARKER.length(), e.moduleLength(), "Linux goes on without the marker");
    }

    /** A pad byte of the trailer: "PKCS#7 signature info has unexpected non-zero params", EBADMSG. */
    @Test
    void aNonZeroPadByteInTheTrailerIsABadMessage() {
        byte[] file = signed.clone();
        file[infoAt() + 6] = 0x20;
        ModuleSignatureException e = refused(file);
        assertEquals(Errno.EBADMSG, Errnos.of(e));
        assertEquals("hello.ko: offset 0x" + Integer.toHexString(infoAt()) + ": PKCS#7 signature info has unexpected"
                + " non-zero params (algo 0, hash 0, signer_len 0, key_id_len 0, pad 00 20 00)", e.getMessage());
    }

    /** sig_len's high byte: the length runs past the start of the file, EBADMSG. */
    @Test
    void aSigLenLargerThanTheFileIsABadMessage() {
        byte[] file = signed.clone();
        file[infoAt() + 8] = 0x7f;
        long sigLen = 0x7f000000L | pkcs7Length();
        ModuleSignatureException e = refused(file);
        assertEquals(Errno.EBADMSG, Errnos.of(e));
        assertEquals("hello.ko: offset 0x" + Integer.toHexString(infoAt()) + ": struct module_signature's sig_len 0x"
                + Long.toHexString(sigLen) + " is not less than the 0x" + Integer.toHexString(infoAt())
                + " bytes before it", e.getMessage());
    }

    /** sig_len one too small: the message is read from one byte later, its length no longer fits, EBADMSG. */
    @Test
    void aSigLenOffByOneIsABadMessage() {
        byte[] file = signed.clone();
        file[infoAt() + 11] -= 1;
        ModuleSignatureException e = refused(file);
        assertEquals(Errno.EBADMSG, Errnos.of(e));
        assertEquals("hello.ko: offset 0x" + Integer.toHexString(module.length + 1) + ": PKCS#7 message is not a DER"
                + " ContentInfo (" + (pkcs7Length() - 1) + " bytes)", e.getMessage());
    }

    /** A byte of the marker: the file no longer claims a signature, ENODATA (unsigned). */
    @Test
    void aByteFlippedInTheMarkerLeavesAnUnsignedModule() {
        byte[] file = signed.clone();
        file[file.length - 2] ^= 0x20;
        ModuleSignatureException e = refused(file);
        assertEquals(Errno.ENODATA, Errnos.of(e));
        assertEquals("hello.ko: unsigned module", e.getMessage());
        assertEquals(file.length, e.moduleLength());
    }

    /** The PKCS#7 message's last byte dropped and sig_len told: the DER lengths no longer add up, EBADMSG. */
    @Test
    void aTruncatedSignatureIsABadMessage() {
        byte[] pkcs7 = Arrays.copyOf(rsa.pkcs7(module, "sha256", "-noattr"), pkcs7Length() - 1);
        ModuleSignatureException e = refused(SignFile.append(module, pkcs7));
        assertEquals(Errno.EBADMSG, Errnos.of(e));
        assertEquals("hello.ko: offset 0x" + Integer.toHexString(module.length) + ": PKCS#7 message is not a DER"
                + " ContentInfo (" + (pkcs7Length() - 1) + " bytes)", e.getMessage());
    }

    /** A file cut inside its trailer has no marker at its end: unsigned. */
    @Test
    void aFileCutInItsTrailerIsUnsigned() {
        ModuleSignatureException e = refused(Arrays.copyOf(signed, signed.length - 5));
        assertEquals(Errno.ENODATA, Errnos.of(e));
    }

    /** A module signed by another kernel key: ENOKEY. */
    @Test
    void anotherKernelsKeyIsNotInTheKeyring() {
        ModuleSignatureException e = refused(other.sign(module, "sha256"));
        assertEquals(Errno.ENOKEY, Errnos.of(e));
        assertEquals("hello.ko: offset 0x" + Integer.toHexString(module.length) + ": signer \"another kernel key\""
                + " key 0B:AD is not in the keyring (2 keys)", e.getMessage());
    }

    /** A key with the signer's issuer and serial but another public key: found, and it rejects, EKEYREJECTED. */
    @Test
    void aKeyWithTheSignersNameButAnotherKeyRejects() throws IOException {
        SignFile impostor = SignFile.newKey(dir, "impostor", "modload test signing key", "rsa:2048", RSA_SERIAL);
        Keyring wrong = new Keyring(Certificates.read(impostor.der()));
        assertFalse(impostor.opensslVerifies(signed));
        ModuleSignatureException e = assertThrows(ModuleSignatureException.class,
                () -> verifier.verify("hello.ko", ByteBuffer.wrap(signed), wrong));
        assertEquals(Errno.EKEYREJECTED, Errnos.of(e));
        assertEquals("hello.ko: offset 0x" + Integer.toHexString(module.length) + ": sha256 signature by key \""
                + description(impostor) + "\" (rsa) does not verify", e.getMessage());
    }

    /** The ECDSA signer's name on an RSA key: public_key_verify_signature() compares the algorithms. */
    @Test
    void anEcdsaSignatureAgainstAnRsaKeyOfTheSameNameIsRejected() throws IOException {
        SignFile rsaTwin = SignFile.newKey(dir, "twin", "modload test ECDSA key", "rsa:2048", EC_SERIAL);
        ModuleSignatureException e = assertThrows(ModuleSignatureException.class, () -> verifier.verify("hello.ko",
                ByteBuffer.wrap(ec.sign(module, "sha256")), new Keyring(Certificates.read(rsaTwin.der()))));
        assertEquals(Errno.EKEYREJECTED, Errnos.of(e));
        assertEquals("hello.ko: offset 0x" + Integer.toHexString(module.length) + ": sha256 signature by key \""
                + description(rsaTwin) + "\" (rsa) is an ecdsa signature", e.getMessage());
    }

    /** Without -noattr the SignerInfo carries authenticated attributes: "Invalid module sig (has authattrs)". */
    @Test
    void authenticatedAttributesAreRejected() {
        byte[] file = SignFile.append(module, rsa.pkcs7(module, "sha256"));
        assertTrue(rsa.opensslVerifies(file), "a valid CMS signature, just not a module signature");
        ModuleSignatureException e = refused(file);
        assertEquals(Errno.EKEYREJECTED, Errnos.of(e));
        assertEquals("hello.ko: offset 0x" + Integer.toHexString(module.length) + ": Invalid module sig (has authattrs)",
                e.getMessage());
    }

    /** -nodetach: the module inside the message, "PKCS#7 signature with non-detached data". */
    @Test
    void embeddedContentIsABadMessage() {
        ModuleSignatureException e = refused(SignFile.append(module, rsa.pkcs7(module, "sha256", "-noattr",
                "-nodetach")));
        assertEquals(Errno.EBADMSG, Errnos.of(e));
        assertEquals("hello.ko: offset 0x" + Integer.toHexString(module.length) + ": PKCS#7 signature with non-detached"
                + " data (" + module.length + " bytes)", e.getMessage());
    }

    /** The SignerInfo's sha256 OID turned into sha3-224's (same length), which no kernel parses: ENOPKG. */
    @Test
    void aDigestTheKernelDoesNotKnowIsUnsupported() {
        byte[] file = signed.clone();
        byte[] sha256 = HexFormat.of().parseHex("0609608648016503040201");
        int signerInfo = indexOf(file, indexOf(file, module.length, sha256) + 1, sha256);
        file[signerInfo + sha256.length - 1] = 0x07;
        ModuleSignatureException e = refused(file);
        assertEquals(Errno.ENOPKG, Errnos.of(e));
        assertEquals("hello.ko: offset 0x" + Integer.toHexString(module.length) + ": Unsupported digest algo:"
                + " 2.16.840.1.101.3.4.2.7 (SignerInfo 1)", e.getMessage());
    }

    /** rsaEncryption turned into RSASSA-PSS (same length), which Linux 6.1's PKCS#7 parser has no case for: ENOPKG. */
    @Test
    void aPublicKeyAlgorithmTheKernelDoesNotKnowIsUnsupported() {
        byte[] file = signed.clone();
        int at = indexOf(file, module.length, HexFormat.of().parseHex("06092a864886f70d010101"));
        file[at + 10] = 0x0a;
        ModuleSignatureException e = refused(file);
        assertEquals(Errno.ENOPKG, Errnos.of(e));
        assertEquals("hello.ko: offset 0x" + Integer.toHexString(module.length) + ": Unsupported pkey algo:"
                + " 1.2.840.113549.1.1.10 (SignerInfo 1)", e.getMessage());
    }

    @Test
    void anUnsignedModuleIsUnsigned() {
        ModuleSignatureException e = refused(module);
        assertEquals(Errno.ENODATA, Errnos.of(e));
        assertEquals("hello.ko: unsigned module", e.getMessage());
    }

    /** The keyring's keys are described as /proc/keys describes x509 keys, and found from both files' forms. */
    @Test
    void keysAreReadFromPemAndDerAndDescribedAsLinuxDoes() throws IOException {
        List<TrustedKey> pem = Certificates.read(rsa.pem());
        List<TrustedKey> der = Certificates.read(rsa.der());
        assertEquals(1, pem.size(), "the PEM's private key block is skipped");
        assertEquals(pem.get(0).publicKey(), der.get(0).publicKey());
        assertEquals(rsa.linuxDescription(), der.get(0).description());
        assertEquals(ec.linuxDescription(), Certificates.read(ec.pem()).get(0).description());
        assertEquals(rsa.der().toString(), der.get(0).source());
        assertEquals(rsa.pem() + ": certificate 1", pem.get(0).source());
    }

    @Test
    void aFileThatIsNoCertificateIsOneLocatedError() throws IOException {
        Path junk = java.nio.file.Files.write(dir.resolve("junk.der"), new byte[] {0x30, 0x03, 0x02, 0x01, 0x01});
        org.modload.kernel.diag.CertificateFormatException e = assertThrows(
                org.modload.kernel.diag.CertificateFormatException.class, () -> Certificates.read(junk));
        assertEquals(junk + ": not an X.509 certificate in DER (5 bytes)", e.getMessage());
        assertEquals(Errno.EBADMSG, Errnos.of(e));
    }

    @Test
    void anEmptyKeyringHoldsNoKey() {
        ModuleSignatureException e = assertThrows(ModuleSignatureException.class,
                () -> verifier.verify("hello.ko", ByteBuffer.wrap(signed), Keyring.empty()));
        assertEquals(Errno.ENOKEY, Errnos.of(e));
        assertTrue(e.getMessage().endsWith("is not in the keyring (0 keys)"), e.getMessage());
    }

    /** The key's description, from openssl's view of its certificate. */
    private static String description(SignFile key) {
        return key.linuxDescription();
    }

    private static int pkcs7Length() {
        return ByteBuffer.wrap(signed, infoAt() + 8, 4).getInt();
    }

    /** struct module_signature's offset in {@link #signed}. */
    private static int infoAt() {
        return signed.length - SignFile.MARKER.length() - 12;
    }

    private static int indexOf(byte[] b, int from, byte[] what) {
        outer:
        for (int i = from; i + what.length <= b.length; i++) {
            for (int k = 0; k < what.length; k++) {
                if (b[i + k] != what[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found: " + HexFormat.of().formatHex(what));
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
