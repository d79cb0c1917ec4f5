package org.modload.kernel.modinfo;

import java.util.Objects;

/**
 * A module's {@code .modinfo} section or its appended signature is malformed. Carries where (file,
 * part, offset) and what ({@link #detail()}), and builds its one-line message once:
 * lld-style inside {@code .modinfo},
 * {@code hello.ko:(.modinfo+0x1c): entry "license=GP" is not NUL-terminated}, and at a file
 * offset for the signature,
 * {@code af_key.ko: offset 0x18520: signature sig_len 0x20000 is not less than the 0x18520 bytes before struct module_signature}.
 * Like the loader's exceptions it records no stack trace: the message is the whole report.
 */
public final class MalformedModuleException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The part of the module a problem is in; it decides what {@link #offset()} counts from. */
    public enum Part {
        /** The {@code .modinfo} section; the offset counts from the start of the section. */
        MODINFO,
        /** The appended signature; the offset is a file offset. */
        SIGNATURE
    }

    private final String file;
    private final Part part;
    private final long offset;
    private final String detail;

    private MalformedModuleException(String file, Part part, long offset, String detail, String message,
            Throwable cause) {
        super(message, cause, false, false);
        this.file = Objects.requireNonNull(file, "file");
        this.part = Objects.requireNonNull(part, "part");
        this.offset = offset;
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    /** A problem at {@code offset} inside the {@code .modinfo} section: {@code file:(.modinfo+0x1c): detail}. */
    static MalformedModuleException inModinfo(String file, String section, long offset, String detail) {
        return new MalformedModuleException(file, Part.MODINFO, offset, detail,
                file + ":(" + section + "+" + hex(offset) + "): " + detail, null);
    }

    /** A problem in the appended signature at a file offset: {@code file: offset 0x18520: detail}. */
    static MalformedModuleException inSignature(String file, long offset, String detail, Throwable cause) {
        return new MalformedModuleException(file, Part.SIGNATURE, offset, detail,
                file + ": offset " + hex(offset) + ": " + detail, cause);
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** The display name of the module file. */
    public String file() {
        return file;
    }

    /** Which part of the module is malformed. */
    public Part part() {
        return part;
    }

    /** The offset of the problem: inside {@code .modinfo} or in the file, as {@link #part()} says. */
    public long offset() {
        return offset;
    }

    /** The message without its location. */
    public String detail() {
        return detail;
    }
}
