package org.modload.kernel.cli;

/**
 * A file named on the command line (a layout, a symbol map) is malformed, or a step the command
 * needed failed after saying why; the command exits with status 1 and this one line.
 */
final class InputFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InputFileException(String message) {
        super(message, null, false, false);
    }
}
