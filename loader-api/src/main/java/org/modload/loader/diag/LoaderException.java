package org.modload.loader.diag;

import java.util.Objects;

/**
 * The one unchecked exception family of the loader. Every subclass carries the fields of the
 * problem (where, what, which value) as accessors and builds its one-line message once, in its
 * constructor; callers such as the simulated kernel map the subclass to an errno.
 */
public abstract sealed class LoaderException extends RuntimeException
        permits MalformedElfException, RelocationException, UnresolvedSymbolException, DuplicateSymbolException,
                ArchitectureException, LayoutException {

    private static final long serialVersionUID = 1L;

    private final transient Location location;

    protected LoaderException(Location location, String message) {
        super(message, null, false, false);
        this.location = Objects.requireNonNull(location, "location");
    }

    /** Where the problem is. */
    public Location location() {
        return location;
    }
}
