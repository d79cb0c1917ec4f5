package org.modload.kernel.sig;

import java.nio.ByteBuffer;
import java.util.Objects;

import org.modload.kernel.model.TrustedKey;

/**
 * A module signature that verified: who signed, with what, against which key of the keyring.
 *
 * @param signer the signer as the SignerInfo names it: its issuer's name (Linux's
 *     {@code x509_fabricate_name()}), or the key's subject when it is named by subjectKeyIdentifier
 * @param keyId how the SignerInfo names its key, as modinfo prints {@code sig_key}: the
 *     serial number ({@code 5E:E1:13:...}), or the subjectKeyIdentifier
 * @param hashAlgorithm the digest algorithm, as Linux names it ({@code sha256})
 * @param key the keyring's key the signature verified against
 * @param moduleLength the length of the signed module, the part {@code load_module} goes on with
 */
public record VerifiedSignature(String signer, String keyId, String hashAlgorithm, TrustedKey key,
        long moduleLength) {

    public VerifiedSignature {
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(hashAlgorithm, "hashAlgorithm");
        Objects.requireNonNull(key, "key");
    }

    /** The signed module inside {@code file}, the buffer that was verified: a view of its first {@link #moduleLength()} bytes. */
    public ByteBuffer module(ByteBuffer file) {
        ByteBuffer b = file.duplicate();
        b.limit(b.position() + (int) moduleLength);
        return b.slice().order(file.order());
    }
}
