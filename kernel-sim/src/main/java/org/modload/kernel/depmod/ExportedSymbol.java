package org.modload.kernel.depmod;

import java.util.Objects;

/**
 * A symbol a module exports, as depmod reads it.
 *
 * @param name the symbol name
 * @param crc its modversions CRC (0 without CONFIG_MODVERSIONS, -1 when kmod could not read it),
 *     compared with what the modules that need it were built against when {@code -E} is given
 */
public record ExportedSymbol(String name, long crc) {

    public ExportedSymbol {
        Objects.requireNonNull(name, "name");
    }
}
