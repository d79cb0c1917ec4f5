package org.modload.loader.link;

import org.modload.loader.spi.EntryKind;
import org.modload.loader.spi.EntryNeed;
import org.modload.loader.spi.EntryTarget;
import org.modload.loader.spi.Referent;

/**
 * The identity of one table entry, known before layout: its kind and what it holds (a symbol's
 * referent and the addend it includes, or an inner entry). Two needs with equal keys get one
 * entry.
 *
 * @param kind the entry's kind
 * @param target a {@link SymbolKey} or the inner entry's {@link EntryKey}
 */
record EntryKey(EntryKind kind, Object target) {

    /**
     * What a symbol target denotes: internal places by object, section and offset (so that two
     * names of one address share), imported and link-defined names by name, absolute values by
     * value; each with the addend folded in where the entry holds S + A.
     */
    record SymbolKey(Referent referent, long addend) {
    }

    /** The key of {@code need} for a site whose symbol denotes {@code referent} with addend {@code a}. */
    static EntryKey of(EntryNeed need, Referent referent, long a) {
        return new EntryKey(need.kind(), targetKey(need.target(), referent, a));
    }

    private static Object targetKey(EntryTarget target, Referent referent, long a) {
        if (target instanceof EntryNeed inner) {
            return of(inner, referent, a);
        }
        long addend = ((EntryTarget.Symbol) target).withAddend() ? a : 0;
        if (referent instanceof Referent.Internal in) {
            return new SymbolKey(new Referent.Internal(in.object(), in.section(), 0), in.value() + addend);
        }
        if (referent instanceof Referent.Absolute abs) {
            return new SymbolKey(new Referent.Absolute(abs.value() + addend), 0);
        }
        return new SymbolKey(referent, addend);
    }
}
