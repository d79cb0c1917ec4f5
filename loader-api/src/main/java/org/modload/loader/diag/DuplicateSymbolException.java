package org.modload.loader.diag;

import java.util.Objects;

/** Two objects of one link give a symbol a strong definition each (ld's "multiple definition"). */
public final class DuplicateSymbolException extends LoaderException {

    private static final long serialVersionUID = 1L;

    private final String symbol;
    private final String firstFile;

    /**
     * @param location the second definition's symbol table
     * @param symbol the symbol's name
     * @param firstFile the file of the first definition
     */
    public DuplicateSymbolException(Location location, String symbol, String firstFile) {
        super(location, location.headerForm() + ": duplicate symbol '" + Location.printable(symbol) + "'; first defined in " + firstFile);
        this.symbol = Objects.requireNonNull(symbol);
        this.firstFile = Objects.requireNonNull(firstFile);
    }

    public String symbol() {
        return symbol;
    }

    /** The file of the first strong definition. */
    public String firstFile() {
        return firstFile;
    }
}
