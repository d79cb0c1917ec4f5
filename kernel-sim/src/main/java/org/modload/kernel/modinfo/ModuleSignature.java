package org.modload.kernel.modinfo;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerId;
import org.bouncycastle.cms.SignerInformation;
import org.modload.kernel.diag.MalformedModuleException;

/**
 * The signature appended to a signed module by the kernel's {@code scripts/sign-file}:
 *
 * <pre>
 * [ module (ELF)            ]  the signed content, {@link #contentLength()} bytes
 * [ PKCS#7 SignedData (DER) ]  sig_len bytes, detached: its content is the module
 * [ struct module_signature ]  u8 algo, hash, id_type, signer_len, key_id_len; u8 pad[3]; __be32 sig_len
 * [ "~Module signature appended~\n" ]
 * </pre>
 *
 * Only {@code id_type} 2 ({@code PKEY_ID_PKCS7}) with every other field of the struct zero is
 * accepted, as the kernel's {@code mod_check_sig()} requires; the signer, key identifier, digest
 * algorithm and signature value are read from the PKCS#7 message's first SignerInfo, as kmod
 * reads them for {@code modinfo}. The signature is parsed, not verified. Immutable.
 */
public final class ModuleSignature {

    /** The trailer that marks a signed module: the file's last bytes. */
    public static final String MAGIC = "~Module signature appended~\n";

    /** {@code id_type} of a signature in a PKCS#7 message, the only kind the kernel accepts. */
    public static final int PKEY_ID_PKCS7 = 2;

    /** {@code sizeof(struct module_signature)}. */
    public static final int INFO_SIZE = 12;

    private static final byte[] MAGIC_BYTES = MAGIC.getBytes(StandardCharsets.US_ASCII);

    /**
     * Digest algorithm OIDs to the names kmod prints (libkmod's {@code pkey_hash_algo} table, the
     * kernel's {@code hash_algo_name} spelling).
     */
    private static final Map<String, String> DIGEST_NAMES = Map.of(
            "1.2.840.113549.2.4", "md4",
            "1.2.840.113549.2.5", "md5",
            "1.3.14.3.2.26", "sha1",
            "1.3.36.3.2.1", "rmd160",
            "2.16.840.1.101.3.4.2.1", "sha256",
            "2.16.840.1.101.3.4.2.2", "sha384",
            "2.16.840.1.101.3.4.2.3", "sha512",
            "2.16.840.1.101.3.4.2.4", "sha224",
            "1.2.156.10197.1.401", "sm3");

    private final long contentLength;
    private final byte[] pkcs7;
    private final String signer;
    private final byte[] keyId;
    private final String digestOid;
    private final byte[] signature;

    private ModuleSignature(long contentLength, byte[] pkcs7, String signer, byte[] keyId, String digestOid,
            byte[] signature) {
        this.contentLength = contentLength;
        this.pkcs7 = pkcs7;
        this.signer = signer;
        this.keyId = keyId;
        this.digestOid = digestOid;
        this.signature = signature;
    }

    /**
     * Whether {@code module} (position to limit) ends with {@link #MAGIC}, that is, claims to be
     * signed. Does not look further.
     */
    public static boolean isSigned(ByteBuffer module) {
        int size = module.remaining();
        if (size < MAGIC_BYTES.length) {
            return false;
        }
        int at = module.limit() - MAGIC_BYTES.length;
        for (int i = 0; i < MAGIC_BYTES.length; i++) {
            if (module.get(at + i) != MAGIC_BYTES[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The module without its appended signature, as module_sig_check hands the rest of
     * {@code load_module} the signed content: the same buffer when {@code module} is unsigned,
     * else a slice ending before the PKCS#7 message. Only the trailer's extent is read here; its
     * message is decoded by {@link #read}.
     *
     * @param file the name used in messages
     * @param module the module file (position to limit); neither it nor its position is changed
     * @throws MalformedModuleException if the marker leaves no room for struct module_signature,
     *     or its sig_len runs past the start of the file
     */
    public static ByteBuffer unsignedContent(String file, ByteBuffer module) {
        if (!isSigned(module)) {
            return module;
        }
        int info = module.remaining() - MAGIC_BYTES.length - INFO_SIZE;
        if (info < 0) {
            throw MalformedModuleException.inSignature(file, 0,
                    "signature marker without room for its module_signature header", null);
        }
        long sigLen = Integer.toUnsignedLong(module.duplicate().order(ByteOrder.BIG_ENDIAN)
                .getInt(module.position() + info + 8));
        if (sigLen > info) {
            throw MalformedModuleException.inSignature(file, info + 8L, String.format(
                    "signature length %d exceeds the %d bytes before it", sigLen, info), null);
        }
        ByteBuffer b = module.duplicate();
        b.limit(b.position() + info - (int) sigLen);
        return b.slice();
    }

    /**
     * Reads the signature appended to a module file held in {@code module} (position to limit;
     * not changed, not kept). Offsets in messages count from the position.
     *
     * @param file the name used in messages, usually the file name
     * @return the signature, or empty if the file does not end with {@link #MAGIC}
     * @throws MalformedModuleException if the magic is there but the struct is truncated,
     *     {@code sig_len} does not fit, the struct is not a plain PKCS#7 one, or the PKCS#7
     *     message cannot be parsed or has no signer
     */
    public static Optional<ModuleSignature> read(String file, ByteBuffer module) {
        if (!isSigned(module)) {
            return Optional.empty();
        }
        int base = module.position();
        int magicAt = module.remaining() - MAGIC_BYTES.length;
        if (magicAt < INFO_SIZE) {
            throw MalformedModuleException.inSignature(file, magicAt, "signature trailer truncated: " + magicAt
                    + " bytes precede the magic, struct module_signature needs " + INFO_SIZE, null);
        }
        int infoAt = magicAt - INFO_SIZE;
        int algo = Byte.toUnsignedInt(module.get(base + infoAt));
        int hash = Byte.toUnsignedInt(module.get(base + infoAt + 1));
        int idType = Byte.toUnsignedInt(module.get(base + infoAt + 2));
        int signerLen = Byte.toUnsignedInt(module.get(base + infoAt + 3));
        int keyIdLen = Byte.toUnsignedInt(module.get(base + infoAt + 4));
        byte[] pad = new byte[3];
        module.get(base + infoAt + 5, pad);
        long sigLen = Integer.toUnsignedLong(module.duplicate().order(ByteOrder.BIG_ENDIAN)
                .getInt(base + infoAt + 8));

        if (sigLen >= infoAt) {
            throw MalformedModuleException.inSignature(file, infoAt, "signature sig_len "
                    + hex(sigLen) + " is not less than the "
                    + hex(infoAt) + " bytes before struct module_signature", null);
        }
        if (idType != PKEY_ID_PKCS7) {
            throw MalformedModuleException.inSignature(file, infoAt, "signature id_type " + idType
                    + " is not PKEY_ID_PKCS7 (" + PKEY_ID_PKCS7 + ")", null);
        }
        if (algo != 0 || hash != 0 || signerLen != 0 || keyIdLen != 0 || pad[0] != 0 || pad[1] != 0 || pad[2] != 0) {
            throw MalformedModuleException.inSignature(file, infoAt, "PKCS#7 signature info has non-zero fields: algo "
                    + algo + ", hash " + hash + ", signer_len " + signerLen + ", key_id_len " + keyIdLen
                    + ", pad " + String.format("%02x %02x %02x", pad[0], pad[1], pad[2]), null);
        }
        if (sigLen == 0) {
            throw MalformedModuleException.inSignature(file, infoAt, "signature sig_len is 0", null);
        }
        int pkcs7At = infoAt - (int) sigLen;
        byte[] der = new byte[(int) sigLen];
        module.get(base + pkcs7At, der);
        return Optional.of(fromPkcs7(file, pkcs7At, der));
    }

    private static ModuleSignature fromPkcs7(String file, int pkcs7At, byte[] der) {
        Iterator<SignerInformation> signers;
        try {
            signers = new CMSSignedData(der).getSignerInfos().getSigners().iterator();
        } catch (CMSException | RuntimeException e) {
            // Bouncy Castle reports malformed DER with assorted unchecked exceptions as well; its
            // wording varies by version, so it stays in the cause, out of the message.
            throw MalformedModuleException.inSignature(file, pkcs7At, "signature is not a PKCS#7 SignedData message ("
                    + der.length + " bytes)", e);
        }
        if (!signers.hasNext()) {
            throw MalformedModuleException.inSignature(file, pkcs7At, "PKCS#7 message has no SignerInfo", null);
        }
        SignerInformation si = signers.next();
        SignerId sid = si.getSID();
        String signer = sid.getIssuer() == null ? "" : commonName(sid.getIssuer());
        byte[] keyId;
        if (sid.getSerialNumber() != null) {
            keyId = magnitude(sid.getSerialNumber());
        } else if (sid.getSubjectKeyIdentifier() != null) {
            keyId = sid.getSubjectKeyIdentifier();
        } else {
            keyId = new byte[0];
        }
        return new ModuleSignature(pkcs7At, der, signer, keyId, si.getDigestAlgOID(), si.getSignature());
    }

    /**
     * The issuer name as kmod shows it: the first commonName; without one, the last attribute of
     * the name (libkmod's {@code x509_name_to_str} falls through to it); a NUL ends the text.
     */
    private static String commonName(X500Name name) {
        AttributeTypeAndValue last = null;
        for (RDN rdn : name.getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                last = atv;
                if (BCStyle.CN.equals(atv.getType())) {
                    return text(atv.getValue());
                }
            }
        }
        return last == null ? "" : text(last.getValue());
    }

    private static String text(ASN1Encodable value) {
        String s = value instanceof ASN1String str ? str.getString() : value.toString();
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }

    /** The big-endian magnitude without leading zero bytes, as OpenSSL's {@code BN_bn2bin} writes it. */
    private static byte[] magnitude(BigInteger n) {
        byte[] b = n.abs().toByteArray();
        int skip = 0;
        while (skip < b.length && b[skip] == 0) {
            skip++;
        }
        return Arrays.copyOfRange(b, skip, b.length);
    }

    /** The length of the signed content: the module bytes before the PKCS#7 message, which the ELF reader must be given. */
    public long contentLength() {
        return contentLength;
    }

    /**
     * The signed content of {@code module}, the same buffer {@link #read} was given: a view of
     * its first {@link #contentLength()} bytes from the position.
     */
    public ByteBuffer content(ByteBuffer module) {
        ByteBuffer view = module.duplicate().order(module.order());
        view.limit(view.position() + (int) contentLength);
        return view.slice().order(module.order());
    }

    /** {@code id_type}'s name, {@code PKCS#7}: the only kind read. */
    public String idType() {
        return "PKCS#7";
    }

    /** The signer: the commonName of the issuer of the signing certificate, e.g. {@code Build time autogenerated kernel key}. */
    public String signer() {
        return signer;
    }

    /**
     * The key identifier: the signing certificate's serial number (big-endian, no leading zero
     * bytes), or its subjectKeyIdentifier when the SignerInfo names the certificate that way.
     */
    public byte[] keyId() {
        return keyId.clone();
    }

    /** The digest algorithm's OID, e.g. {@code 2.16.840.1.101.3.4.2.1}. */
    public String digestAlgorithmOid() {
        return digestOid;
    }

    /** The digest algorithm's name as kmod prints it ({@code sha256}...), or its OID when kmod has no name for it. */
    public String hashAlgorithm() {
        return DIGEST_NAMES.getOrDefault(digestOid, digestOid);
    }

    /** The signature value (the SignerInfo's encryptedDigest / signature octets). */
    public byte[] signature() {
        return signature.clone();
    }

    /** The DER PKCS#7 message as it appears in the file. */
    public byte[] pkcs7() {
        return pkcs7.clone();
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
