package org.modload.loader.elf;

import java.nio.ByteBuffer;

import org.modload.loader.diag.ElfCheck;
import org.modload.loader.diag.Location;
import org.modload.loader.diag.MalformedElfException;

/**
 * The number of dynamic symbols, which a file without section headers states only through its
 * hash tables, counted as readelf ({@code get_num_dynamic_syms}) and the dynamic loader do:
 * DT_HASH's nchain, or, with only DT_GNU_HASH, one past the last symbol of the longest bucket's
 * chain (symoffset when no bucket holds a symbol). Every word is read from the mapped table after
 * checking that the table holds it, so an absurd nbucket, nchain or bloom size is a located error,
 * never an allocation or a read past the file.
 */
final class HashTables {
    private static final long GNU_HASH_HEADER = 16;

    private HashTables() {
    }

    /**
     * DT_HASH's nchain. Its words are 8 bytes on 64-bit s390 and Alpha (as readelf reads them),
     * 4 bytes elsewhere.
     */
    static long sysvCount(Location where, SegmentMap memory, long vaddr, ElfHeader h) {
        boolean wide = h.elfClass() == ElfClass.ELFCLASS64
                && (h.machine().equals(Machine.EM_S390) || h.machine().equals(Machine.EM_ALPHA));
        int word = wide ? 8 : 4;
        ByteBuffer head = memory.bytes(vaddr, 2L * word).orElseThrow(() -> fail(where, "DT_HASH 0x"
                + Long.toHexString(vaddr) + " is not inside a PT_LOAD's file image"));
        long nbucket = word(head, 0, word);
        long nchain = word(head, word, word);
        long words = 2 + nbucket + nchain; // both at most 2^32 - 1 for 4-byte words
        if (wide && (Long.compareUnsigned(nbucket, 1L << 32) >= 0 || Long.compareUnsigned(nchain, 1L << 32) >= 0)
                || memory.bytes(vaddr, words * word).isEmpty()) {
            throw fail(where, "DT_HASH 0x" + Long.toHexString(vaddr) + ": nbucket " + Long.toUnsignedString(nbucket)
                    + " and nchain " + Long.toUnsignedString(nchain) + " (" + word
                    + "-byte words) run past the PT_LOAD that holds the table");
        }
        return nchain;
    }

    /** The symbol count DT_GNU_HASH implies: its chains end at the last hashed symbol. */
    static long gnuCount(Location where, SegmentMap memory, long vaddr, ElfClass c) {
        String at = "DT_GNU_HASH 0x" + Long.toHexString(vaddr);
        ByteBuffer head = memory.bytes(vaddr, GNU_HASH_HEADER)
                .orElseThrow(() -> fail(where, at + " is not inside a PT_LOAD's file image"));
        long nbuckets = word(head, 0, 4);
        long symoffset = word(head, 4, 4);
        long bloomSize = word(head, 8, 4);
        int bloomWord = c == ElfClass.ELFCLASS64 ? 8 : 4;
        long bucketsAt = GNU_HASH_HEADER + bloomSize * bloomWord;
        ByteBuffer table = memory.bytes(vaddr, bucketsAt + 4 * nbuckets).orElseThrow(() -> fail(where, at
                + ": bloom_size " + bloomSize + " and nbuckets " + nbuckets
                + " run past the PT_LOAD that holds the table"));
        long last = -1;
        for (long i = 0; i < nbuckets; i++) {
            long b = word(table, bucketsAt + 4 * i, 4);
            if (b != 0 && b < symoffset) {
                throw fail(where, at + ": bucket " + i + " starts at symbol " + b + ", below symoffset " + symoffset);
            }
            last = Math.max(last, b == 0 ? -1 : b);
        }
        if (last < 0) {
            return symoffset; // no symbol is hashed: the table holds only the unhashed ones
        }
        long chainsAt = bucketsAt + 4 * nbuckets;
        ByteBuffer chains = memory.from(vaddr + chainsAt).orElseThrow(() -> fail(where, at
                + ": its chains start past the PT_LOAD that holds the table"));
        for (long i = last - symoffset; ; i++) {
            if (4 * i + 4 > chains.limit()) {
                throw fail(where, at + ": the chain from symbol " + last + " has no end before the end of its"
                        + " PT_LOAD (0x" + Integer.toHexString(chains.limit()) + " bytes of chains)");
            }
            if ((word(chains, 4 * i, 4) & 1) != 0) {
                return symoffset + i + 1;
            }
        }
    }

    private static long word(ByteBuffer b, long at, int size) {
        return size == 8 ? b.getLong((int) at) : b.getInt((int) at) & 0xffffffffL;
    }

    private static MalformedElfException fail(Location where, String detail) {
        return new MalformedElfException(where, ElfCheck.DYNAMIC, detail);
    }
}
