package org.modload.loader.diag;

/**
 * Sections cannot be placed as asked: an explicit address breaks a section's alignment, two
 * placements overlap, or a layout file names a section the object does not have.
 */
public final class LayoutException extends LoaderException {

    private static final long serialVersionUID = 1L;

    public LayoutException(Location location, String detail) {
        super(location, location.headerForm() + ": " + Location.printable(detail));
    }
}
