package org.modload.loader.elf;

import java.util.Map;

/** e_type: an open set, so a value record with named constants. */
public record ElfType(int value) {
    public static final ElfType ET_NONE = new ElfType(0);
    public static final ElfType ET_REL = new ElfType(1);
    public static final ElfType ET_EXEC = new ElfType(2);
    public static final ElfType ET_DYN = new ElfType(3);
    public static final ElfType ET_CORE = new ElfType(4);

    private static final Map<Integer, String> NAMES =
            Map.of(0, "ET_NONE", 1, "ET_REL", 2, "ET_EXEC", 3, "ET_DYN", 4, "ET_CORE");

    /** The spec name, or {@code unknown(N)}. */
    public String specName() {
        return SpecNames.name(NAMES, value);
    }

    @Override
    public String toString() {
        return specName();
    }
}
