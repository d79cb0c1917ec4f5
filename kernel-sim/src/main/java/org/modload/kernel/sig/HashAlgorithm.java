package org.modload.kernel.sig;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The digest algorithms a module signature may name: those of Linux's
 * {@code pkcs7_sig_note_digest_algo()} (6.1: md4 to streebog512; the SHA-3 family from 6.7), by
 * OID, with the kernel's {@code hash_algo_name} spelling and the JDK algorithm that computes them.
 * One Linux parses but the JDK lacks is like a kernel built without that hash: ENOPKG.
 */
enum HashAlgorithm {
    MD4("md4", "1.2.840.113549.2.4", null),
    MD5("md5", "1.2.840.113549.2.5", "MD5"),
    SHA1("sha1", "1.3.14.3.2.26", "SHA-1"),
    SHA224("sha224", "2.16.840.1.101.3.4.2.4", "SHA-224"),
    SHA256("sha256", "2.16.840.1.101.3.4.2.1", "SHA-256"),
    SHA384("sha384", "2.16.840.1.101.3.4.2.2", "SHA-384"),
    SHA512("sha512", "2.16.840.1.101.3.4.2.3", "SHA-512"),
    SM3("sm3", "1.2.156.10197.1.401", null),
    STREEBOG256("streebog256", "1.2.643.7.1.1.2.2", null),
    STREEBOG512("streebog512", "1.2.643.7.1.1.2.3", null),
    SHA3_256("sha3-256", "2.16.840.1.101.3.4.2.8", "SHA3-256"),
    SHA3_384("sha3-384", "2.16.840.1.101.3.4.2.9", "SHA3-384"),
    SHA3_512("sha3-512", "2.16.840.1.101.3.4.2.10", "SHA3-512");

    private final String linuxName;
    private final String oid;
    private final String jdkName;

    HashAlgorithm(String linuxName, String oid, String jdkName) {
        this.linuxName = linuxName;
        this.oid = oid;
        this.jdkName = jdkName;
    }

    /** The algorithm with digest OID {@code oid}, if Linux's parser knows it. */
    static Optional<HashAlgorithm> ofOid(String oid) {
        for (HashAlgorithm h : values()) {
            if (h.oid.equals(oid)) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }

    /** The kernel's name for it, as modinfo's {@code sig_hashalgo} prints it: {@code sha256}. */
    String linuxName() {
        return linuxName;
    }

    /** Whether the JDK computes it. */
    boolean available() {
        return newDigest().isPresent();
    }

    private Optional<MessageDigest> newDigest() {
        if (jdkName == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(MessageDigest.getInstance(jdkName));
        } catch (NoSuchAlgorithmException e) {
            return Optional.empty();
        }
    }
}
