package org.modload.loader.spi;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Where the engine put things, as the architecture sees it when it binds its tables: the address
 * of every placed section (by header index) and of every requested table (by name), with the
 * writable memory of the tables, plus the bounds of the core and init regions.
 *
 * @param sectionAddresses address by section header index, for allocated sections
 * @param tableAddresses address by {@link TableRequest#name()}
 * @param tableMemory writable memory by {@link TableRequest#name()}, zero-filled
 * @param coreBase first address of the core region
 * @param coreSize size of the core region
 * @param initBase first address of the init region
 * @param initSize size of the init region
 */
public record Placement(Map<Integer, Long> sectionAddresses, Map<String, Long> tableAddresses,
        Map<String, ByteBuffer> tableMemory, long coreBase, long coreSize, long initBase, long initSize) {

    public Placement {
        sectionAddresses = Map.copyOf(sectionAddresses);
        tableAddresses = Map.copyOf(tableAddresses);
        tableMemory = Map.copyOf(tableMemory);
    }

    /** The address of section {@code index}, if it was placed. */
    public OptionalLong sectionAddress(int index) {
        Long a = sectionAddresses.get(index);
        return a == null ? OptionalLong.empty() : OptionalLong.of(a);
    }
}
