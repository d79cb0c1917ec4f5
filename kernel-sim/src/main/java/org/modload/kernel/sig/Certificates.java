package org.modload.kernel.sig;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.modload.kernel.diag.CertificateFormatException;
import org.modload.kernel.model.TrustedKey;
import org.modload.loader.diag.Location;

/**
 * X.509 certificates (parsed by Bouncy Castle) made into keyring keys, as Linux's
 * {@code x509_key_preparse()} makes them: from the DER certificates a kernel image carries, or
 * from certificate files (one DER certificate, or PEM with any number of {@code CERTIFICATE}
 * blocks among other blocks, such as the private key of a {@code signing_key.pem}). Stateless.
 */
public final class Certificates {
    private static final byte DER_SEQUENCE = 0x30;

    /** Named curves to Linux's ECDSA key algorithm names. */
    private static final Map<String, String> CURVES = Map.of(
            "1.2.840.10045.3.1.1", "ecdsa-nist-p192",
            "1.2.840.10045.3.1.7", "ecdsa-nist-p256",
            "1.3.132.0.34", "ecdsa-nist-p384",
            "1.3.132.0.35", "ecdsa-nist-p521");

    private Certificates() {
    }

    /**
     * The key of one DER certificate. Reads {@code der}; keeps nothing of the array.
     *
     * @param where where the certificate came from, for messages and {@link TrustedKey#source()}
     * @throws CertificateFormatException when it is not X.509 DER, or its key is of a kind no
     *     installed provider reads
     */
    public static TrustedKey parse(Location where, byte[] der) {
        X509CertificateHolder cert;
        try {
            cert = new X509CertificateHolder(der);
        } catch (IOException | RuntimeException e) {
            throw CertificateFormatException.at(where, "not an X.509 certificate in DER (" + der.length + " bytes)", e);
        }
        return key(where, cert);
    }

    /**
     * The keys of the certificates in a file: DER (its first byte a SEQUENCE) or PEM.
     *
     * @throws IOException when the file cannot be read
     * @throws CertificateFormatException when a certificate cannot be read, or a PEM file holds none
     */
    public static List<TrustedKey> read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String name = file.toString();
        if (bytes.length > 0 && bytes[0] == DER_SEQUENCE) {
            return List.of(parse(Location.ofFile(name), bytes));
        }
        List<TrustedKey> keys = new ArrayList<>();
        try (PEMParser pem = new PEMParser(new StringReader(new String(bytes, StandardCharsets.US_ASCII)))) {
            int blocks = 0;
            while (true) {
                Object o;
                try {
                    o = pem.readObject();
                } catch (IOException | RuntimeException e) {
                    throw CertificateFormatException.at(Location.ofFile(name), "PEM block " + (blocks + 1)
                            + " cannot be read", e);
                }
                if (o == null) {
                    break;
                }
                blocks++;
                if (o instanceof X509CertificateHolder cert) {
                    keys.add(key(Location.ofFile(name + ": certificate " + (keys.size() + 1)), cert));
                }
            }
        }
        if (keys.isEmpty()) {
            throw CertificateFormatException.at(Location.ofFile(name), "no certificate: neither DER X.509 nor PEM"
                    + " with a CERTIFICATE block", null);
        }
        return List.copyOf(keys);
    }

    private static TrustedKey key(Location where, X509CertificateHolder cert) {
        SubjectPublicKeyInfo spki = cert.getSubjectPublicKeyInfo();
        PublicKey publicKey;
        try {
            publicKey = new JcaPEMKeyConverter().getPublicKey(spki);
        } catch (IOException | RuntimeException e) {
            throw CertificateFormatException.at(where, "public key algorithm "
                    + spki.getAlgorithm().getAlgorithm().getId() + " is not supported", e);
        }
        X500Principal issuer;
        try {
            issuer = new X500Principal(cert.getIssuer().getEncoded());
        } catch (IOException | RuntimeException e) {
            throw CertificateFormatException.at(where, "issuer is not an X.500 name", e);
        }
        Optional<String> skid = Optional.ofNullable(cert.getExtension(Extension.subjectKeyIdentifier))
                .map(x -> SubjectKeyIdentifier.getInstance(x.getParsedValue()).getKeyIdentifier())
                .map(HexFormat.of()::formatHex);
        BigInteger serial = cert.getSerialNumber();
        return new TrustedKey(X509Names.of(cert.getSubject()), where.placeForm(), issuer, serial, skid,
                algorithm(spki, publicKey), bits(publicKey), publicKey);
    }

    /** Linux's pkey_algo: {@code rsa}, {@code ecdsa-nist-p384}; other kinds by the JDK's name, lower case. */
    private static String algorithm(SubjectPublicKeyInfo spki, PublicKey key) {
        if (key instanceof RSAPublicKey) {
            return "rsa";
        }
        if (key instanceof ECPublicKey && spki.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve) {
            return CURVES.getOrDefault(curve.getId(), "ecdsa-" + curve.getId());
        }
        return key.getAlgorithm().toLowerCase(Locale.ROOT);
    }

    private static int bits(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return rsa.getModulus().bitLength();
        }
        if (key instanceof ECPublicKey ec) {
            return ec.getParams().getCurve().getField().getFieldSize();
        }
        return 0;
    }
}
