package org.modload.arch.ia64;

import java.util.function.IntPredicate;

import org.modload.loader.elf.Symbol;

/**
 * What a relocation refers to, known before layout: a key that two references share exactly
 * when they mean the same address (section and offset for a symbol of a placed section, name
 * and addend for an undefined one), and whether the address lies inside the module.
 *
 * @param key the identity of the address
 * @param internal whether it is inside a placed section of the module
 * @param section the section index when internal
 * @param offset the offset in that section (st_value + A) when internal
 */
record Target(String key, boolean internal, int section, long offset) {

    /**
     * Classifies {@code symbol} + {@code addend}.
     *
     * @param placed whether a section index is placed (allocated and not a table placeholder)
     */
    static Target of(Symbol symbol, long addend, IntPredicate placed) {
        if (symbol.isUndefined()) {
            return new Target("und:" + symbol.name() + "+" + addend, false, -1, 0);
        }
        if (symbol.isInSection() && placed.test(symbol.shndx())) {
            long offset = symbol.value() + addend;
            return new Target("sec:" + symbol.shndx() + "+" + offset, true, symbol.shndx(), offset);
        }
        // Absolute symbols, and symbols of sections that are not loaded (address 0, as in Linux).
        return new Target("abs:" + (symbol.value() + addend), false, -1, 0);
    }

    /** The key of the descriptor made for this (internal) function. */
    String fdescKey() {
        return "fdesc:" + key;
    }
}
