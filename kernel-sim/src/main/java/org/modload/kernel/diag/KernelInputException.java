package org.modload.kernel.diag;

import java.util.Objects;

import org.modload.loader.diag.Location;

/**
 * The one unchecked family of kernel-side input errors: a kernel image, a module's
 * {@code .modinfo} or signature, a {@code Module.symvers}, a module tree or its dependencies, a
 * keyring's certificate is malformed, a module's signature does not verify, or the compressed
 * data of a module or kernel payload is malformed. Like the loader's {@link org.modload.loader.diag.LoaderException} each subclass
 * carries where ({@link #location()}, the loader's {@link Location}: file, section, offset) and
 * what ({@link #detail()}) as accessors plus its own fields, and builds its one-line message once,
 * in its constructor; no stack trace is recorded, the message is the whole report.
 * {@link Errnos} maps each subclass to the errno the kernel answers with, in one place.
 */
public abstract sealed class KernelInputException extends RuntimeException
        permits KernelImageException, MalformedModuleException, SymversFormatException, DependencyCycleException,
                ModuleTreeException, ModuleSignatureException, CertificateFormatException, CompressedDataException {

    private static final long serialVersionUID = 1L;

    private final transient Location location;
    private final String detail;

    KernelInputException(Location location, String detail, String message, Throwable cause) {
        // Names and entries in a message come from the file: a newline in one must not split the line.
        super(Location.printable(message), cause, false, false);
        this.location = Objects.requireNonNull(location, "location");
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    /** Where the problem is. */
    public Location location() {
        return location;
    }

    /** What is wrong, without the location. */
    public String detail() {
        return detail;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
