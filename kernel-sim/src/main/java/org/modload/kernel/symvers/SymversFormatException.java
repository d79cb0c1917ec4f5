package org.modload.kernel.symvers;

import java.util.Objects;

/**
 * A line of a {@code Module.symvers} file is malformed. Carries the file, the 1-based line
 * number and what is wrong, and builds the compiler-style message once:
 * {@code Module.symvers:12: 'x1234' is not a hexadecimal CRC}. Records no stack trace: the
 * message is the whole report.
 */
public final class SymversFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String detail;

    /**
     * @param file the file as named to the reader
     * @param line the 1-based line number
     * @param detail what is wrong, without the location
     */
    public SymversFormatException(String file, int line, String detail) {
        super(Objects.requireNonNull(file, "file") + ":" + line + ": " + Objects.requireNonNull(detail, "detail"));
        this.file = file;
        this.line = line;
        this.detail = detail;
    }

    /** The file as named to the reader. */
    public String file() {
        return file;
    }

    /** The 1-based line number. */
    public int line() {
        return line;
    }

    /** What is wrong, without the location. */
    public String detail() {
        return detail;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
