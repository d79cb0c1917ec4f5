package org.modload.loader.diag;

import java.util.List;
import java.util.Objects;

/**
 * Undefined symbols that no linked object defines and the caller's resolver does not know:
 * every one of them, each with where it is referenced, reported at once (lld's
 * "undefined symbol" lines, then a count when there are several).
 */
public final class UnresolvedSymbolException extends LoaderException {

    private static final long serialVersionUID = 1L;

    /** One unresolved symbol and the symbol table that references it. */
    public record Missing(Location location, String symbol) {
        public Missing {
            Objects.requireNonNull(location);
            Objects.requireNonNull(symbol);
        }

        String line() {
            return location.headerForm() + ": undefined symbol '" + symbol + "'";
        }
    }

    private final transient List<Missing> missing;

    /** One unresolved symbol. */
    public UnresolvedSymbolException(Location location, String symbol) {
        this(List.of(new Missing(location, symbol)));
    }

    /** Several, in the order the link met them; the first gives {@link #location()}. */
    public UnresolvedSymbolException(List<Missing> missing) {
        super(missing.get(0).location(), message(missing));
        this.missing = List.copyOf(missing);
    }

    private static String message(List<Missing> missing) {
        if (missing.size() == 1) {
            return Location.printable(missing.get(0).line());
        }
        StringBuilder b = new StringBuilder();
        for (Missing m : missing) {
            b.append(Location.printable(m.line())).append('\n');
        }
        return b.append(missing.size()).append(" undefined symbols").toString();
    }

    /** The first symbol's name. */
    public String symbol() {
        return missing.get(0).symbol();
    }

    /** Every unresolved symbol, in the order the link met them. */
    public List<Missing> missing() {
        return missing;
    }
}
