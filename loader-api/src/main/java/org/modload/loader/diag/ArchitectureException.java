package org.modload.loader.diag;

import java.util.Objects;

/**
 * No architecture, or more than one, is installed for an object's machine, or an architecture
 * plugin refuses the object as a whole (wrong class or byte order, a relocation section kind it
 * does not take).
 */
public final class ArchitectureException extends LoaderException {

    private static final long serialVersionUID = 1L;

    private final String machine;

    public ArchitectureException(Location location, String machine, String detail) {
        super(location, location.headerForm() + ": " + Location.printable(detail));
        this.machine = Objects.requireNonNull(machine, "machine");
    }

    /** The machine's spec name, e.g. {@code EM_X86_64} or {@code unknown(260)}. */
    public String machine() {
        return machine;
    }
}
