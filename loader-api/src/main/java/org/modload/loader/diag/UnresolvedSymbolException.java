package org.modload.loader.diag;

import java.util.Objects;

/** An undefined symbol that the caller's resolver does not know. */
public final class UnresolvedSymbolException extends LoaderException {

    private static final long serialVersionUID = 1L;

    private final String symbol;

    public UnresolvedSymbolException(Location location, String symbol) {
        super(location, location.headerForm() + ": undefined symbol '" + symbol + "'");
        this.symbol = Objects.requireNonNull(symbol, "symbol");
    }

    /** The symbol's name. */
    public String symbol() {
        return symbol;
    }
}
