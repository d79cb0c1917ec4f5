package org.modload.loader.diag;

import java.util.Objects;

/**
 * The input is not a well-formed ELF object of the kind needed. Thrown by the parser for every
 * structural check it makes; {@link #check()} says which one failed and {@link #detail()} the
 * values involved, e.g. {@code sh_offset 0x2f0 + sh_size 0x180 exceeds file size 0x400}.
 */
public final class MalformedElfException extends LoaderException {

    private static final long serialVersionUID = 1L;

    private final ElfCheck check;
    private final String detail;

    public MalformedElfException(Location location, ElfCheck check, String detail) {
        // Names in the detail come from the file: a newline in one must not split the line.
        super(location, location.headerForm() + ": " + Location.printable(detail));
        this.check = Objects.requireNonNull(check, "check");
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    /** Which structural check failed. */
    public ElfCheck check() {
        return check;
    }

    /** The message without its location. */
    public String detail() {
        return detail;
    }
}
