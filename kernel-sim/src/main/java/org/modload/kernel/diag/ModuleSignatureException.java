package org.modload.kernel.diag;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.modload.loader.diag.Location;

/**
 * A module's signature did not verify, for one of the reasons Linux's {@code module_sig_check()}
 * tells apart by errno ({@link Errnos} maps each {@link Reason}). Carries the file, the reason,
 * the file offset of the part at fault when there is one ({@link #location()}), what is wrong
 * ({@link #detail()}), and how much of the file the rest of {@code load_module} reads when the
 * policy lets the module load anyway ({@link #moduleLength()}); builds its one-line message once:
 * {@code af_key.ko: offset 0x18230: PKCS#7 signature info has unexpected non-zero params (hash 1)}.
 */
public final class ModuleSignatureException extends KernelInputException {

    private static final long serialVersionUID = 1L;

    /** Why a signature did not verify; the errno each stands for is {@link Errnos}'s. */
    public enum Reason {
        /** ENODATA: no {@code ~Module signature appended~} marker. */
        UNSIGNED(true, "unsigned module"),
        /** EBADMSG: struct module_signature or the PKCS#7 message is malformed. */
        MALFORMED(false, null),
        /** ENOPKG: a signature kind, digest or key algorithm the kernel has no code for. */
        UNSUPPORTED(true, "module with unsupported crypto"),
        /** EINVAL: a PKCS#7 message of a kind or version the kernel's parser refuses. */
        INVALID(false, null),
        /** ENOKEY: no key in the keyring is the one the signature names. */
        NO_KEY(true, "module with unavailable key"),
        /** EKEYREJECTED: the signature does not verify against its key, or is not a module signature. */
        REJECTED(false, null);

        private final boolean nonFatal;
        private final String rejected;

        Reason(boolean nonFatal, String rejected) {
            this.nonFatal = nonFatal;
            this.rejected = rejected;
        }

        /**
         * Whether a kernel that does not enforce signatures loads the module anyway (tainted):
         * module_sig_check()'s ENODATA, ENOPKG and ENOKEY; every other failure is fatal.
         */
        public boolean nonFatal() {
            return nonFatal;
        }

        /**
         * What module_sig_check() calls such a module when enforcement refuses it,
         * "Loading of %s is rejected": {@code unsigned module}, {@code module with unavailable key}...
         *
         * @throws IllegalStateException for a fatal reason, which is never put that way
         */
        public String rejectedAs() {
            if (rejected == null) {
                throw new IllegalStateException(this + " is fatal under every policy");
            }
            return rejected;
        }
    }

    private final String file;
    private final Reason reason;
    private final long moduleLength;

    private ModuleSignatureException(String file, Reason reason, Location location, String detail, long moduleLength,
            Throwable cause) {
        super(location, detail, location.offset().isPresent()
                ? file + ": offset " + hex(location.offset().getAsLong()) + ": " + detail
                : file + ": " + detail, cause);
        this.file = Objects.requireNonNull(file, "file");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.moduleLength = moduleLength;
    }

    /**
     * A failure about the file as a whole: {@code file: detail}.
     *
     * @param moduleLength the bytes load_module goes on with when the failure is not fatal
     */
    public static ModuleSignatureException of(String file, Reason reason, String detail, long moduleLength,
            Throwable cause) {
        return new ModuleSignatureException(file, reason, Location.ofFile(file), detail, moduleLength, cause);
    }

    /**
     * A failure at a file offset (of struct module_signature, or of the PKCS#7 message):
     * {@code file: offset 0x18230: detail}.
     *
     * @param moduleLength the bytes load_module goes on with when the failure is not fatal
     */
    public static ModuleSignatureException at(String file, Reason reason, long offset, String detail,
            long moduleLength, Throwable cause) {
        return new ModuleSignatureException(file, reason,
                new Location(file, OptionalInt.empty(), "", OptionalLong.of(offset)), detail, moduleLength, cause);
    }

    /** The display name of the module file. */
    public String file() {
        return file;
    }

    /** Why the signature did not verify. */
    public Reason reason() {
        return reason;
    }

    /** The file offset of the part at fault, if the failure has one. */
    public OptionalLong offset() {
        return location().offset();
    }

    /**
     * The length of the module the rest of {@code load_module} reads when a policy loads it
     * anyway ({@code info->len} after module_sig_check): the whole file when it is unsigned,
     * without the marker when struct module_signature was refused, without the whole signature
     * when the PKCS#7 message was.
     */
    public long moduleLength() {
        return moduleLength;
    }

    /** The message without the file name: {@code offset 0x18230: detail}, or the detail alone. */
    public String placedDetail() {
        return offset().isPresent() ? "offset " + hex(offset().getAsLong()) + ": " + detail() : detail();
    }
}
