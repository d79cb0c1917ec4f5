package org.modload.loader.elf;

import java.util.Map;

/** Renders open spec values: the spec name when known, {@code unknown(N)} otherwise. */
final class SpecNames {
    private SpecNames() {
    }

    static String name(Map<Integer, String> names, int value) {
        String n = names.get(value);
        return n != null ? n : "unknown(" + Integer.toUnsignedString(value) + ")";
    }
}
