package org.modload.kernel.model;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.security.auth.x500.X500Principal;

/**
 * The keys a kernel trusts for module signatures: Linux's {@code .builtin_trusted_keys} (the
 * certificates compiled into the image) together with any added to the secondary keyring.
 * Immutable.
 *
 * @param keys the keys, in the order they were added
 */
public record Keyring(List<TrustedKey> keys) {

    private static final Keyring EMPTY = new Keyring(List.of());

    public Keyring {
        keys = List.copyOf(keys);
    }

    /** A keyring without keys: every signed module then fails with ENOKEY. */
    public static Keyring empty() {
        return EMPTY;
    }

    /** This keyring with {@code more} keys after its own. */
    public Keyring with(List<TrustedKey> more) {
        List<TrustedKey> all = new ArrayList<>(keys);
        all.addAll(more);
        return new Keyring(all);
    }

    /** The first key issued by {@code issuer} with serial {@code serial} (find_asymmetric_key by issuer+serial id). */
    public Optional<TrustedKey> byIssuerAndSerial(X500Principal issuer, BigInteger serial) {
        return keys.stream().filter(k -> k.isIssuedAs(issuer, serial)).findFirst();
    }

    /**
     * The first key whose certificate has subjectKeyIdentifier {@code keyId}, in lower-case hex
     * (find_asymmetric_key by skid).
     */
    public Optional<TrustedKey> bySubjectKeyId(String keyId) {
        return keys.stream().filter(k -> k.subjectKeyId().equals(Optional.of(keyId))).findFirst();
    }

    /** Whether the keyring holds no key. */
    public boolean isEmpty() {
        return keys.isEmpty();
    }
}
