package org.modload.kernel.model;

import java.util.Objects;
import java.util.Optional;

import org.modload.loader.diag.Location;

/**
 * A refusal of the module system: the errno a system call would return, the load phase that
 * failed (for loads), and a located message saying why, built once. Its names come from module
 * files (symbols, the module's own name, .modinfo values): control characters in the message are
 * shown as {@code \xNN} ({@link Location#printable}), so that it stays one line.
 */
public final class KernelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Errno errno;
    private final transient LoadPhase phase;
    private final String module;

    public KernelException(Errno errno, LoadPhase phase, String module, String message, Throwable cause) {
        super(Location.printable(message), cause, false, false);
        this.errno = Objects.requireNonNull(errno);
        this.phase = phase;
        this.module = Objects.requireNonNull(module);
    }

    public KernelException(Errno errno, LoadPhase phase, String module, String message) {
        this(errno, phase, module, message, null);
    }

    /** The errno the system call returns. */
    public Errno errno() {
        return errno;
    }

    /** The load phase that failed; empty for calls other than a load. */
    public Optional<LoadPhase> phase() {
        return Optional.ofNullable(phase);
    }

    /** The module (name or file) the call was about. */
    public String module() {
        return module;
    }
}
