package org.modload.kernel.diag;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.modload.loader.diag.Location;

/**
 * A module's {@code .modinfo} section, its appended signature or its export table is malformed. Carries where
 * ({@link #location()}, and the {@link #part()} the offset counts in) and what
 * ({@link #detail()}), and builds its one-line message once: lld-style inside {@code .modinfo},
 * {@code hello.ko:(.modinfo+0x1c): entry "license=GP" is not NUL-terminated}, and at a file
 * offset for the signature,
 * {@code af_key.ko: offset 0x18520: signature sig_len 0x20000 is not less than the 0x18520 bytes before struct module_signature}.
 */
public final class MalformedModuleException extends KernelInputException {

    private static final long serialVersionUID = 1L;

    /** The part of the module a problem is in; it decides what {@link #offset()} counts from. */
    public enum Part {
        /** The {@code .modinfo} section; the offset counts from the start of the section. */
        MODINFO,
        /** The appended signature; the offset is a file offset. */
        SIGNATURE,
        /** An export table ({@code __ksymtab}, {@code __ksymtab_gpl}); the offset counts from its start. */
        EXPORTS
    }

    private final String file;
    private final Part part;

    private MalformedModuleException(String file, Part part, Location location, String detail, String message,
            Throwable cause) {
        super(location, detail, message, cause);
        this.file = Objects.requireNonNull(file, "file");
        this.part = Objects.requireNonNull(part, "part");
    }

    /**
     * A problem at {@code offset} inside the {@code .modinfo} section (header {@code index}):
     * {@code file:(.modinfo+0x1c): detail}.
     */
    public static MalformedModuleException inModinfo(String file, int index, String section, long offset, String detail) {
        Location where = Location.ofPlace(file, index, section, offset);
        return new MalformedModuleException(file, Part.MODINFO, where, detail, where.placeForm() + ": " + detail, null);
    }

    /**
     * A problem at {@code offset} inside export table {@code section} (header {@code index}):
     * {@code file:(__ksymtab+0x4): detail}.
     */
    public static MalformedModuleException inExports(String file, int index, String section, long offset, String detail) {
        Location where = Location.ofPlace(file, index, section, offset);
        return new MalformedModuleException(file, Part.EXPORTS, where, detail, where.placeForm() + ": " + detail, null);
    }

    /** A problem in the appended signature at a file offset: {@code file: offset 0x18520: detail}. */
    public static MalformedModuleException inSignature(String file, long offset, String detail, Throwable cause) {
        return new MalformedModuleException(file, Part.SIGNATURE,
                new Location(file, OptionalInt.empty(), "", OptionalLong.of(offset)), detail,
                file + ": offset " + hex(offset) + ": " + detail, cause);
    }

    /** The display name of the module file. */
    public String file() {
        return file;
    }

    /** Which part of the module is malformed. */
    public Part part() {
        return part;
    }

    /** The offset of the problem: inside the section or in the file, as {@link #part()} says. */
    public long offset() {
        return location().offset().orElseThrow();
    }
}
