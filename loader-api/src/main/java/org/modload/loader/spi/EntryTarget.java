package org.modload.loader.spi;

/**
 * What a table entry holds the address of: the site's symbol (with or without the site's
 * addend), or another entry (an ia64 GOT word holding a descriptor's address, a PLT entry
 * reached through a descriptor, an x86_64 stub jumping through a GOT word).
 */
public sealed interface EntryTarget permits EntryTarget.Symbol, EntryNeed {

    /** The site's symbol: S. */
    Symbol SYMBOL = new Symbol(false);
    /** The site's symbol plus the site's addend: S + A. */
    Symbol SYMBOL_PLUS_ADDEND = new Symbol(true);

    /** @param withAddend whether the entry holds S + A rather than S */
    record Symbol(boolean withAddend) implements EntryTarget {
    }
}
