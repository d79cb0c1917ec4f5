package org.modload.kernel.diag;

import java.util.Objects;

import org.modload.loader.diag.Location;

/**
 * A line of a {@code Module.symvers} file is malformed. Carries the file (its {@link #location()}),
 * the 1-based line number and what is wrong, and builds the compiler-style message once:
 * {@code Module.symvers:12: 'x1234' is not a hexadecimal CRC}.
 */
public final class SymversFormatException extends KernelInputException {

    private static final long serialVersionUID = 1L;

    private final int line;

    /**
     * @param file the file as named to the reader
     * @param line the 1-based line number
     * @param detail what is wrong, without the location
     */
    public SymversFormatException(String file, int line, String detail) {
        super(Location.ofFile(Objects.requireNonNull(file, "file")), detail,
                file + ":" + line + ": " + Objects.requireNonNull(detail, "detail"), null);
        this.line = line;
    }

    /** The file as named to the reader. */
    public String file() {
        return location().file();
    }

    /** The 1-based line number. */
    public int line() {
        return line;
    }
}
