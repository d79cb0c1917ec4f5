package org.modload.loader.elf;

import java.util.Map;

/** ELF_ST_TYPE of st_info: an open set. */
public record SymbolType(int value) {
    public static final SymbolType STT_NOTYPE = new SymbolType(0);
    public static final SymbolType STT_OBJECT = new SymbolType(1);
    public static final SymbolType STT_FUNC = new SymbolType(2);
    public static final SymbolType STT_SECTION = new SymbolType(3);
    public static final SymbolType STT_FILE = new SymbolType(4);
    public static final SymbolType STT_COMMON = new SymbolType(5);
    public static final SymbolType STT_TLS = new SymbolType(6);
    public static final SymbolType STT_GNU_IFUNC = new SymbolType(10);

    private static final Map<Integer, String> NAMES = Map.of(0, "STT_NOTYPE", 1, "STT_OBJECT",
            2, "STT_FUNC", 3, "STT_SECTION", 4, "STT_FILE", 5, "STT_COMMON", 6, "STT_TLS",
            10, "STT_GNU_IFUNC");

    public String specName() {
        return SpecNames.name(NAMES, value);
    }

    @Override
    public String toString() {
        return specName();
    }
}
