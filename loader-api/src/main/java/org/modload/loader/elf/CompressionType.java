package org.modload.loader.elf;

import java.util.Map;

/** ch_type of an Elf_Chdr: an open set. */
public record CompressionType(int value) {
    public static final CompressionType ELFCOMPRESS_ZLIB = new CompressionType(1);
    public static final CompressionType ELFCOMPRESS_ZSTD = new CompressionType(2);

    private static final Map<Integer, String> NAMES = Map.of(1, "ELFCOMPRESS_ZLIB", 2, "ELFCOMPRESS_ZSTD");

    /** The spec name, or {@code unknown(N)}. */
    public String specName() {
        return SpecNames.name(NAMES, value);
    }

    @Override
    public String toString() {
        return specName();
    }
}
