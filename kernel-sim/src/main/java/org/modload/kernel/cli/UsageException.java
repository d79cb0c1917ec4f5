package org.modload.kernel.cli;

/**
 * A command line that asks for something impossible (options that do not go together, an
 * unknown architecture name); the command exits with status 2, as for a parse error.
 */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message, null, false, false);
    }
}
