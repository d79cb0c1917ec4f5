package org.modload.loader.elf;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An SHT_RELR section: relative relocations packed as addresses and bitmaps (gABI's DT_RELR
 * format). Every entry is a word; an even entry is an address to relocate, an odd one a bitmap of
 * the next 63 (or 31) words after the last address. Decoded on request. Immutable.
 */
public final class RelrSection {
    private final Section section;
    private final int wordSize;

    RelrSection(Section section, ElfClass elfClass) {
        this.section = section;
        this.wordSize = elfClass == ElfClass.ELFCLASS64 ? 8 : 4;
    }

    /** The section itself. */
    public Section section() {
        return section;
    }

    /** The number of packed entries (words). */
    public int size() {
        return (int) (section.size() / wordSize);
    }

    /**
     * The addresses the entries relocate, in order: a new array on each call, at most
     * {@code size() * (wordSize * 8 - 1)} long.
     */
    public long[] offsets() {
        ByteBuffer b = section.fileBytes();
        int bits = wordSize * 8;
        long[] out = new long[16];
        int n = 0;
        long where = 0;
        for (int i = 0; i < size(); i++) {
            long entry = wordSize == 8 ? b.getLong(i * 8) : b.getInt(i * 4) & 0xffffffffL;
            if ((entry & 1) == 0) {
                out = room(out, n, 1);
                out[n++] = entry;
                where = entry + wordSize;
            } else {
                out = room(out, n, bits - 1);
                for (int k = 0; k < bits - 1; k++) {
                    if (((entry >>> (k + 1)) & 1) != 0) {
                        out[n++] = where + (long) k * wordSize;
                    }
                }
                where += (long) (bits - 1) * wordSize;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static long[] room(long[] a, int n, int more) {
        return n + more <= a.length ? a : Arrays.copyOf(a, Math.max(a.length * 2, n + more));
    }

    @Override
    public String toString() {
        return section + " (" + size() + " entries)";
    }
}
