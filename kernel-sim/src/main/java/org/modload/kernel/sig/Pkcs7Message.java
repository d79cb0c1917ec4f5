package org.modload.kernel.sig;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerIdentifier;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.modload.kernel.diag.ModuleSignatureException;
import org.modload.kernel.diag.ModuleSignatureException.Reason;

/**
 * The PKCS#7 message of a module signature, decoded by Bouncy Castle and held to the rules of
 * Linux's {@code pkcs7_parse_message()} and of {@code pkcs7_verify()} for
 * {@code VERIFYING_MODULE_SIGNATURE}, in the kernel's order: a SignedData ContentInfo (EINVAL
 * otherwise) of version 1 or 3; data type {@code data} (or Authenticode's, refused later); each
 * SignerInfo's version matching how it names its key (issuer and serial, or subjectKeyIdentifier);
 * digest and public-key algorithms the parser knows (ENOPKG otherwise); authenticated attributes
 * present in all SignerInfos or none; then detached (EBADMSG otherwise), plain {@code data} and
 * without authenticated attributes (EKEYREJECTED otherwise). Immutable.
 */
final class Pkcs7Message {
    private static final ASN1ObjectIdentifier MS_INDIRECT_DATA = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.2.1.4");

    /**
     * The signature algorithms Linux 6.1's {@code pkcs7_sig_note_pkey_algo()} accepts, to the key
     * algorithm each needs ({@code public_key_verify_signature()} compares them).
     */
    private static final Map<String, String> PKEY_ALGORITHMS = Map.of(
            "1.2.840.113549.1.1.1", "rsa", // rsaEncryption
            "1.2.840.10045.4.1", "ecdsa", // ecdsa-with-SHA1
            "1.2.840.10045.4.3.1", "ecdsa", // ecdsa-with-SHA224
            "1.2.840.10045.4.3.2", "ecdsa", // ecdsa-with-SHA256
            "1.2.840.10045.4.3.3", "ecdsa", // ecdsa-with-SHA384
            "1.2.840.10045.4.3.4", "ecdsa", // ecdsa-with-SHA512
            "1.2.156.10197.1.501", "sm2", // SM2-with-SM3
            "1.2.643.7.1.1.1.1", "ecrdsa", // GOST R 34.10-2012 256
            "1.2.643.7.1.1.1.2", "ecrdsa"); // GOST R 34.10-2012 512

    /**
     * One SignerInfo: how it names its key, what it hashed and signed with.
     *
     * @param issuer the issuer of the signing certificate (version 1), else empty
     * @param serial the signing certificate's serial number (version 1), else empty
     * @param subjectKeyId the signing certificate's subjectKeyIdentifier in lower-case hex (version 3), else empty
     * @param hash the digest algorithm
     * @param pkeyAlgorithm the public-key algorithm as Linux names it ({@code rsa}, {@code ecdsa}...)
     */
    record Signer(Optional<X500Principal> issuer, Optional<BigInteger> serial, Optional<String> subjectKeyId,
            HashAlgorithm hash, String pkeyAlgorithm) {
    }

    private final byte[] der;
    private final List<Signer> signers;

    private Pkcs7Message(byte[] der, List<Signer> signers) {
        this.der = der;
        this.signers = List.copyOf(signers);
    }

    /**
     * Decodes and checks a module's PKCS#7 message.
     *
     * @param file the module's display name
     * @param der the message (kept, not copied: the caller hands over its copy)
     * @param offset the message's file offset, for messages
     * @param moduleLength the signed content's length, which a non-fatal failure leaves load_module
     * @throws ModuleSignatureException MALFORMED, INVALID, UNSUPPORTED or REJECTED as the kernel answers
     */
    static Pkcs7Message parse(String file, byte[] der, long offset, long moduleLength) {
        return new Parser(file, der, offset, moduleLength).parse();
    }

    /** The SignerInfos, in message order. */
    List<Signer> signers() {
        return signers;
    }

    /** The message's SignerInformation objects, in message order, with {@code module} as the detached content. */
    List<SignerInformation> withContent(ByteBuffer module) {
        try {
            return List.copyOf(new CMSSignedData(new ModuleContent(module), der).getSignerInfos().getSigners());
        } catch (CMSException e) {
            // Parsed once already; a second parse of the same bytes fails only on a bug.
            throw new IllegalStateException("PKCS#7 message no longer parses", e);
        }
    }

    /** One parse; not shared. */
    private static final class Parser {
        private final String file;
        private final byte[] der;
        private final long offset;
        private final long moduleLength;

        Parser(String file, byte[] der, long offset, long moduleLength) {
            this.file = file;
            this.der = der;
            this.offset = offset;
            this.moduleLength = moduleLength;
        }

        Pkcs7Message parse() {
            ContentInfo info;
            try {
                info = ContentInfo.getInstance(ASN1Primitive.fromByteArray(der));
            } catch (IOException | RuntimeException e) {
                // Bouncy Castle's wording varies by version: it stays in the cause, out of the message.
                throw fail(Reason.MALFORMED, "PKCS#7 message is not a DER ContentInfo (" + der.length + " bytes)", e);
            }
            if (info == null || !CMSObjectIdentifiers.signedData.equals(info.getContentType())) {
                throw fail(Reason.INVALID, "Only support pkcs7_signedData type (content type "
                        + (info == null ? "none" : info.getContentType().getId()) + ")", null);
            }
            SignedData signed;
            try {
                signed = SignedData.getInstance(info.getContent());
            } catch (RuntimeException e) {
                throw fail(Reason.MALFORMED, "PKCS#7 SignedData is malformed", e);
            }
            if (signed == null) {
                throw fail(Reason.MALFORMED, "PKCS#7 ContentInfo has no SignedData", null);
            }
            int version = small(signed.getVersion());
            if (version != 1 && version != 3) {
                throw fail(Reason.INVALID, "Unsupported SignedData version " + version, null);
            }
            ASN1ObjectIdentifier dataType = signed.getEncapContentInfo().getContentType();
            if (!CMSObjectIdentifiers.data.equals(dataType) && !MS_INDIRECT_DATA.equals(dataType)) {
                throw fail(Reason.INVALID, "Unsupported data type " + dataType.getId(), null);
            }
            List<Signer> signers = new ArrayList<>();
            List<Boolean> authattrs = new ArrayList<>();
            for (ASN1Encodable e : signed.getSignerInfos()) {
                SignerInfo si;
                try {
                    si = SignerInfo.getInstance(e);
                } catch (RuntimeException ex) {
                    throw fail(Reason.MALFORMED, "PKCS#7 SignerInfo " + (signers.size() + 1) + " is malformed", ex);
                }
                signers.add(signer(si, version, signers.size() + 1));
                authattrs.add(si.getAuthenticatedAttributes() != null);
            }
            if (signers.isEmpty()) {
                throw fail(Reason.MALFORMED, "PKCS#7 message has no SignerInfo", null);
            }
            if (authattrs.contains(true) && authattrs.contains(false)) {
                throw fail(Reason.INVALID, "Inconsistently supplied authAttrs", null);
            }
            // verify_pkcs7_message_sig(): the module is the detached content.
            ASN1Encodable content = signed.getEncapContentInfo().getContent();
            if (content != null) {
                throw fail(Reason.MALFORMED, "PKCS#7 signature with non-detached data ("
                        + (content instanceof ASN1OctetString s ? s.getOctets().length + " bytes" : "present") + ")", null);
            }
            // pkcs7_verify() for VERIFYING_MODULE_SIGNATURE.
            if (!CMSObjectIdentifiers.data.equals(dataType)) {
                throw fail(Reason.REJECTED, "Invalid module sig (not pkcs7-data)", null);
            }
            if (authattrs.get(0)) {
                throw fail(Reason.REJECTED, "Invalid module sig (has authattrs)", null);
            }
            return new Pkcs7Message(der, signers);
        }

        private Signer signer(SignerInfo si, int signedDataVersion, int index) {
            int v = small(si.getVersion());
            SignerIdentifier sid = si.getSID();
            boolean bySkid = sid.isTagged();
            if (v == 1 && signedDataVersion != 1 || v == 3 && signedDataVersion == 1) {
                throw fail(Reason.MALFORMED, "SignedData-SignerInfo version mismatch (SignedData " + signedDataVersion
                        + ", SignerInfo " + index + " version " + v + ")", null);
            }
            if (v != 1 && v != 3) {
                throw fail(Reason.INVALID, "Unsupported SignerInfo version " + v + " (SignerInfo " + index + ")", null);
            }
            if (bySkid != (v == 3)) {
                throw fail(Reason.MALFORMED, "SignerInfo " + index + " of version " + v + " names its key by "
                        + (bySkid ? "subjectKeyIdentifier" : "issuer and serial number"), null);
            }
            String digestOid = si.getDigestAlgorithm().getAlgorithm().getId();
            HashAlgorithm hash = HashAlgorithm.ofOid(digestOid).orElseThrow(() -> fail(Reason.UNSUPPORTED,
                    "Unsupported digest algo: " + digestOid + " (SignerInfo " + index + ")", null));
            String pkeyOid = si.getDigestEncryptionAlgorithm().getAlgorithm().getId();
            String pkey = PKEY_ALGORITHMS.get(pkeyOid);
            if (pkey == null) {
                throw fail(Reason.UNSUPPORTED, "Unsupported pkey algo: " + pkeyOid + " (SignerInfo " + index + ")", null);
            }
            if (bySkid) {
                byte[] skid = ASN1OctetString.getInstance(sid.getId()).getOctets();
                return new Signer(Optional.empty(), Optional.empty(), Optional.of(HexFormat.of().formatHex(skid)), hash,
                        pkey);
            }
            IssuerAndSerialNumber ias = IssuerAndSerialNumber.getInstance(sid.getId());
            X500Principal issuer;
            try {
                issuer = new X500Principal(X500Name.getInstance(ias.getName()).getEncoded());
            } catch (IOException | RuntimeException e) {
                throw fail(Reason.MALFORMED, "SignerInfo " + index + "'s issuer is not an X.500 name", e);
            }
            return new Signer(Optional.of(issuer), Optional.of(ias.getSerialNumber().getValue()), Optional.empty(), hash,
                    pkey);
        }

        /** A version number, or -1 for one too large to be any version. */
        private static int small(ASN1Integer n) {
            return n.getValue().bitLength() < Integer.SIZE ? n.getValue().intValue() : -1;
        }

        private ModuleSignatureException fail(Reason reason, String detail, Throwable cause) {
            return ModuleSignatureException.at(file, reason, offset, detail, moduleLength, cause);
        }
    }
}
