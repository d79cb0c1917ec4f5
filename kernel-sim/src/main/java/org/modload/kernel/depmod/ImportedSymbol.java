package org.modload.kernel.depmod;

import java.util.Objects;

/**
 * A symbol a module needs from elsewhere: an undefined symbol-table entry, or a {@code __versions}
 * entry no undefined symbol matched (such as {@code module_layout}).
 *
 * @param name the symbol name as the module spells it
 * @param weak whether the reference is STB_WEAK (a weak reference still makes a dependency when
 *     some module exports the symbol, but is never reported as unknown)
 */
public record ImportedSymbol(String name, boolean weak) {

    public ImportedSymbol {
        Objects.requireNonNull(name, "name");
    }
}
