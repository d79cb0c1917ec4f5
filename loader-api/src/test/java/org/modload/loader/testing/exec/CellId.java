package org.modload.loader.testing.exec;

/**
 * One cell of the execution matrix: a program built with a variant, linked at a placement.
 *
 * @param program the program's name
 * @param variant the variant's flags, space-separated
 * @param placement the region's name ({@code far}, {@code near}, {@code low})
 */
public record CellId(String program, String variant, String placement) {

    /** {@code data | -O2 -fPIC | far}: how gap lists and the table name a cell. */
    @Override
    public String toString() {
        return program + " | " + variant + " | " + placement;
    }
}
