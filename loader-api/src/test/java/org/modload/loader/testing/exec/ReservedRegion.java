package org.modload.loader.testing.exec;

/**
 * An inaccessible address range runimage reserved in its process, into which an image linked for
 * it is mapped.
 *
 * @param name {@code far}, {@code near} or {@code low} (see {@link Abi#placements()})
 * @param base the first address
 * @param size its size in bytes
 */
public record ReservedRegion(String name, long base, long size) {

    /** Whether every byte of {@code [from, to)} is inside. */
    public boolean holds(long from, long to) {
        return Long.compareUnsigned(from, base) >= 0 && Long.compareUnsigned(to, base + size) <= 0;
    }

    @Override
    public String toString() {
        return String.format("%s 0x%x+0x%x", name, base, size);
    }
}
