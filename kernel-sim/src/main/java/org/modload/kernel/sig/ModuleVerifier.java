package org.modload.kernel.sig;

import java.nio.ByteBuffer;
import java.security.Provider;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.modload.kernel.diag.ModuleSignatureException;
import org.modload.kernel.diag.ModuleSignatureException.Reason;
import org.modload.kernel.model.Keyring;
import org.modload.kernel.model.TrustedKey;

/**
 * Verifies a module's appended signature as Linux's {@code mod_verify_sig()} and
 * {@code verify_pkcs7_signature()} do for {@code VERIFYING_MODULE_SIGNATURE}: the trailer
 * ({@link SignatureTrailer}), the PKCS#7 message ({@link Pkcs7Message}), then
 * {@code pkcs7_verify()} (ENOPKG when the kernel computes none of the SignerInfos' digests) and {@code pkcs7_validate_trust()} (a SignerInfo whose key is not in the
 * keyring is skipped, ENOKEY when none is; one whose signature does not verify against its key
 * is EKEYREJECTED at once). The key is found by what the SignerInfo names, issuer and serial
 * number or subjectKeyIdentifier, as {@code find_asymmetric_key()} finds it; certificates
 * carried in the message are not used (Linux's {@code sign-file} never embeds them). Digests are
 * the JDK's (SHA-NI where the CPU has it); signatures (RSA PKCS#1 v1.5, ECDSA) are checked by
 * Bouncy Castle's provider, whose P-384 ECDSA is several times faster than the JDK 17 one. The
 * provider is made once per verifier, on the first signature it checks, and is not registered
 * with the JDK. Thread-safe.
 */
public final class ModuleVerifier {
    private final Supplier<Provider> provider = Suppliers.memoize(BouncyCastleProvider::new);

    /** A verifier; cheap until it checks its first signature. */
    public ModuleVerifier() {
    }

    /**
     * Verifies the signature of one module file. Reads {@code module} (position to limit); changes
     * nothing, keeps nothing.
     *
     * @param file the display name for messages
     * @param keyring the keys the signature may verify against
     * @return who signed, with which key; {@link VerifiedSignature#module} is the signed module
     * @throws ModuleSignatureException when the module is unsigned or its signature does not
     *     verify, with the reason Linux's errno stands for ({@link org.modload.kernel.diag.Errnos})
     */
    public VerifiedSignature verify(String file, ByteBuffer module, Keyring keyring) {
        SignatureTrailer trailer = SignatureTrailer.read(file, module);
        Pkcs7Message message = Pkcs7Message.parse(file, trailer.pkcs7(module), trailer.pkcs7Offset(),
                trailer.contentLength());
        return new Trust(file, trailer, message, keyring, provider).verify(trailer.content(module));
    }

    /** One verification; not shared. */
    private static final class Trust {
        private final String file;
        private final SignatureTrailer trailer;
        private final Pkcs7Message message;
        private final Keyring keyring;
        private final Supplier<Provider> provider;

        Trust(String file, SignatureTrailer trailer, Pkcs7Message message, Keyring keyring, Supplier<Provider> provider) {
            this.file = file;
            this.trailer = trailer;
            this.message = message;
            this.keyring = keyring;
            this.provider = provider;
        }

        VerifiedSignature verify(ByteBuffer content) {
            List<Pkcs7Message.Signer> signers = message.signers();
            // pkcs7_verify(): ENOPKG when the kernel computes none of the SignerInfos' digests.
            if (signers.stream().noneMatch(s -> s.hash().available())) {
                throw fail(Reason.UNSUPPORTED, "module with unsupported crypto: no implementation of the "
                        + signers.get(0).hash().linuxName() + " digest here");
            }
            List<SignerInformation> infos = message.withContent(content);
            // pkcs7_validate_trust(): ENOKEY unless some SignerInfo verifies; ENOPKG over ENOKEY.
            Reason cached = Reason.NO_KEY;
            VerifiedSignature verified = null;
            for (int i = 0; i < signers.size(); i++) {
                Pkcs7Message.Signer s = signers.get(i);
                if (!s.hash().available()) {
                    cached = Reason.UNSUPPORTED;
                    continue;
                }
                Optional<TrustedKey> key = key(s);
                if (key.isEmpty()) {
                    continue;
                }
                check(s, infos.get(i), key.get());
                if (verified == null) {
                    verified = new VerifiedSignature(signer(s, key.get()), keyId(s), s.hash().linuxName(), key.get(),
                            trailer.contentLength());
                }
            }
            if (verified != null) {
                return verified;
            }
            if (cached == Reason.UNSUPPORTED) {
                throw fail(Reason.UNSUPPORTED, "module with unsupported crypto: no signer's digest is computed here");
            }
            Pkcs7Message.Signer first = signers.get(0);
            throw fail(Reason.NO_KEY, "signer " + named(first) + " key " + keyId(first) + " is not in the keyring ("
                    + keyring.keys().size() + (keyring.keys().size() == 1 ? " key)" : " keys)"));
        }

        private Optional<TrustedKey> key(Pkcs7Message.Signer s) {
            if (s.subjectKeyId().isPresent()) {
                return keyring.bySubjectKeyId(s.subjectKeyId().get());
            }
            return keyring.byIssuerAndSerial(s.issuer().orElseThrow(), s.serial().orElseThrow());
        }

        /** public_key_verify_signature(): the key's algorithm must be the signature's; the signature must verify. */
        private void check(Pkcs7Message.Signer s, SignerInformation info, TrustedKey key) {
            String what = s.hash().linuxName() + " signature by key \"" + key.description() + "\" (" + key.algorithm()
                    + ")";
            if (!key.algorithm().equals(s.pkeyAlgorithm())
                    && !(key.algorithm().startsWith("ecdsa-") && s.pkeyAlgorithm().equals("ecdsa"))) {
                throw fail(Reason.REJECTED, what + " is an " + s.pkeyAlgorithm() + " signature");
            }
            boolean ok;
            try {
                // The JDK digests the module (SHA-NI); Bouncy Castle's provider checks the signature.
                ok = info.verify(new JcaSignerInfoVerifierBuilder(new JcaDigestCalculatorProviderBuilder().build())
                        .setProvider(provider.get()).build(key.publicKey()));
            } catch (OperatorCreationException e) {
                // As a kernel without the algorithm's module: public_key_verify_signature() fails, EKEYREJECTED.
                throw fail(Reason.REJECTED, what + " cannot be checked: no provider here implements it", e);
            } catch (CMSException | RuntimeException e) {
                // A signature value of the wrong size or encoding: the kernel's verify fails too.
                throw ModuleSignatureException.at(file, Reason.REJECTED, trailer.pkcs7Offset(), what
                        + " does not verify (the signature value is malformed)", trailer.contentLength(), e);
            }
            if (!ok) {
                throw fail(Reason.REJECTED, what + " does not verify");
            }
        }

        private static String signer(Pkcs7Message.Signer s, TrustedKey key) {
            return s.issuer().map(i -> X509Names.of(X500Name.getInstance(i.getEncoded())))
                    .orElse(key.name());
        }

        private static String named(Pkcs7Message.Signer s) {
            return s.issuer().map(i -> "\"" + X509Names.of(X500Name.getInstance(
                    i.getEncoded())) + "\"").orElse("with subjectKeyIdentifier");
        }

        private static String keyId(Pkcs7Message.Signer s) {
            return s.serial().map(TrustedKey::colonHex).orElseGet(() -> colonHex(s.subjectKeyId().orElseThrow()));
        }

        private static String colonHex(String hex) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < hex.length(); i += 2) {
                sb.append(i == 0 ? "" : ":").append(hex, i, i + 2);
            }
            return sb.toString().toUpperCase(Locale.ROOT);
        }

        private ModuleSignatureException fail(Reason reason, String detail) {
            return ModuleSignatureException.at(file, reason, trailer.pkcs7Offset(), detail, trailer.contentLength(), null);
        }

        private ModuleSignatureException fail(Reason reason, String detail, Throwable cause) {
            return ModuleSignatureException.at(file, reason, trailer.pkcs7Offset(), detail, trailer.contentLength(),
                    cause);
        }
    }
}
