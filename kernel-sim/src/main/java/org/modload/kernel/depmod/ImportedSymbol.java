package org.modload.kernel.depmod;

import java.util.Objects;

/**
 * A symbol a module needs from elsewhere: an undefined symbol-table entry, or a {@code __versions}
 * entry no undefined symbol matched (such as {@code module_layout}).
 *
 * @param name the symbol name as the module spells it
 * @param weak whether the reference is STB_WEAK (a weak reference still makes a dependency when
 *     some module exports the symbol, but is never reported as unknown)
 * @param crc the CRC the module was built against: its first {@code __versions} entry of that
 *     name, 0 when there is none
 */
public record ImportedSymbol(String name, boolean weak, long crc) {

    public ImportedSymbol {
        Objects.requireNonNull(name, "name");
    }
}
