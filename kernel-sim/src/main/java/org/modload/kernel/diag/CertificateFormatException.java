package org.modload.kernel.diag;

import org.modload.loader.diag.Location;

/**
 * An X.509 certificate meant for a kernel keyring cannot be read: it is not DER X.509, or holds a
 * public key of a kind no provider here implements. Linux's {@code x509_cert_parse()} answers
 * such a certificate with EBADMSG. Located where the certificate came from ({@link #location()}):
 * a file, {@code signing_key.pem: certificate 2: ...}, or a place in a kernel image,
 * lld-style, {@code vmlinuz-6.1.0-57-amd64(vmlinux):(.init.data+0x94c58): ...}.
 */
public final class CertificateFormatException extends KernelInputException {

    private static final long serialVersionUID = 1L;

    private CertificateFormatException(Location where, String detail, Throwable cause) {
        super(where, detail, where.placeForm() + ": " + detail, cause);
    }

    /**
     * A certificate at {@code where} that cannot be read.
     *
     * @param detail what is wrong, without the location
     * @param cause the parser's exception, kept for --debug; its wording stays out of the message
     */
    public static CertificateFormatException at(Location where, String detail, Throwable cause) {
        return new CertificateFormatException(where, detail, cause);
    }
}
