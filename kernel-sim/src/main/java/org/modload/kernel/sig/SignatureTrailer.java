package org.modload.kernel.sig;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.modload.kernel.diag.ModuleSignatureException;
import org.modload.kernel.diag.ModuleSignatureException.Reason;

/**
 * Where the parts of a signed module lie, checked as Linux's {@code module_sig_check()},
 * {@code mod_verify_sig()} and {@code mod_check_sig()} check them:
 *
 * <pre>
 * [ module (ELF)                     ]  contentLength bytes: what is signed
 * [ PKCS#7 SignedData (DER)          ]  sig_len bytes
 * [ struct module_signature          ]  u8 algo, hash, id_type, signer_len, key_id_len; u8 __pad[3]; __be32 sig_len
 * [ "~Module signature appended~\n"  ]  the marker
 * </pre>
 *
 * Offsets count from the buffer's position.
 *
 * @param contentLength the length of the signed module, before the PKCS#7 message
 * @param sigLen the PKCS#7 message's length
 */
record SignatureTrailer(int contentLength, int sigLen) {
    /** MODULE_SIG_STRING. */
    static final String MARKER = "~Module signature appended~\n";
    /** sizeof(struct module_signature). */
    static final int INFO_SIZE = 12;
    /** PKEY_ID_PKCS7, the only id_type the kernel accepts. */
    static final int PKEY_ID_PKCS7 = 2;

    private static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.US_ASCII);

    /**
     * Reads the trailer of {@code module} (position to limit; neither changed).
     *
     * @param file the display name for messages
     * @throws ModuleSignatureException UNSIGNED without the marker; MALFORMED when the file is
     *     too short for struct module_signature, sig_len does not fit, or a field that must be
     *     zero is not; UNSUPPORTED when id_type is not PKEY_ID_PKCS7
     */
    static SignatureTrailer read(String file, ByteBuffer module) {
        int size = module.remaining();
        if (size <= MARKER_BYTES.length || !endsWithMarker(module)) {
            throw ModuleSignatureException.of(file, Reason.UNSIGNED, "unsigned module", size, null);
        }
        // module_sig_check: the marker goes; mod_verify_sig reads the struct before it.
        int len = size - MARKER_BYTES.length;
        if (len <= INFO_SIZE) {
            throw ModuleSignatureException.of(file, Reason.MALFORMED, "signature marker without room for struct"
                    + " module_signature: " + len + " bytes precede it, " + (INFO_SIZE + 1) + " are needed", len, null);
        }
        int info = len - INFO_SIZE;
        int base = module.position();
        int algo = u8(module, base + info);
        int hash = u8(module, base + info + 1);
        int idType = u8(module, base + info + 2);
        int signerLen = u8(module, base + info + 3);
        int keyIdLen = u8(module, base + info + 4);
        int[] pad = {u8(module, base + info + 5), u8(module, base + info + 6), u8(module, base + info + 7)};
        long sigLen = Integer.toUnsignedLong(module.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(base + info + 8));
        if (sigLen >= info) {
            throw ModuleSignatureException.at(file, Reason.MALFORMED, info, "struct module_signature's sig_len 0x"
                    + Long.toHexString(sigLen) + " is not less than the 0x" + Integer.toHexString(info)
                    + " bytes before it", len, null);
        }
        if (idType != PKEY_ID_PKCS7) {
            throw ModuleSignatureException.at(file, Reason.UNSUPPORTED, info, "not signed with expected PKCS#7 message"
                    + " (id_type " + idType + ", PKEY_ID_PKCS7 is " + PKEY_ID_PKCS7 + ")", len, null);
        }
        if (algo != 0 || hash != 0 || signerLen != 0 || keyIdLen != 0 || pad[0] != 0 || pad[1] != 0 || pad[2] != 0) {
            throw ModuleSignatureException.at(file, Reason.MALFORMED, info, String.format("PKCS#7 signature info has"
                    + " unexpected non-zero params (algo %d, hash %d, signer_len %d, key_id_len %d, pad %02x %02x %02x)",
                    algo, hash, signerLen, keyIdLen, pad[0], pad[1], pad[2]), len, null);
        }
        return new SignatureTrailer(info - (int) sigLen, (int) sigLen);
    }

    private static boolean endsWithMarker(ByteBuffer module) {
        int at = module.limit() - MARKER_BYTES.length;
        for (int i = 0; i < MARKER_BYTES.length; i++) {
            if (module.get(at + i) != MARKER_BYTES[i]) {
                return false;
            }
        }
        return true;
    }

    private static int u8(ByteBuffer b, int at) {
        return b.get(at) & 0xff;
    }

    /** The PKCS#7 message's file offset (from the position). */
    int pkcs7Offset() {
        return contentLength;
    }

    /** A copy of the PKCS#7 message of {@code module}, the buffer {@link #read} was given. */
    byte[] pkcs7(ByteBuffer module) {
        byte[] der = new byte[sigLen];
        module.get(module.position() + contentLength, der);
        return der;
    }

    /** A view of the signed module: {@link #contentLength()} bytes of {@code module} from its position. */
    ByteBuffer content(ByteBuffer module) {
        ByteBuffer b = module.duplicate();
        b.limit(b.position() + contentLength);
        return b.slice().order(module.order());
    }
}
