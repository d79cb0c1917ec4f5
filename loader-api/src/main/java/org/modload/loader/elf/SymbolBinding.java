package org.modload.loader.elf;

import java.util.Map;

/** ELF_ST_BIND of st_info: an open set. */
public record SymbolBinding(int value) {
    public static final SymbolBinding STB_LOCAL = new SymbolBinding(0);
    public static final SymbolBinding STB_GLOBAL = new SymbolBinding(1);
    public static final SymbolBinding STB_WEAK = new SymbolBinding(2);
    public static final SymbolBinding STB_GNU_UNIQUE = new SymbolBinding(10);

    private static final Map<Integer, String> NAMES =
            Map.of(0, "STB_LOCAL", 1, "STB_GLOBAL", 2, "STB_WEAK", 10, "STB_GNU_UNIQUE");

    public String specName() {
        return SpecNames.name(NAMES, value);
    }

    @Override
    public String toString() {
        return specName();
    }
}
