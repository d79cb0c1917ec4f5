package org.modload.loader.elf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The entries of one SHT_SYMTAB or SHT_DYNSYM section as a read-only list decoded on access:
 * the parser checked every entry (names inside the string table, section indices in range,
 * extended indices present) without materialising them, so a large shared library's tables
 * cost nothing until read. Each entry is decoded once, on first access, and kept (a link reads
 * every symbol several times). Immutable to its users; the memo is filled racily but safely:
 * {@link Symbol} is an immutable record, and two threads decoding one entry get equal values.
 */
final class SymbolTable extends AbstractList<Symbol> implements RandomAccess {
    private final ByteBuffer entries;
    private final ByteBuffer strings;
    private final ByteBuffer shndx;
    private final boolean is64;
    private final int entrySize;
    private final int count;
    private final Symbol[] decoded;

    /**
     * @param entries the table's bytes
     * @param strings the linked string table's bytes (checked NUL-terminated)
     * @param shndx the SHT_SYMTAB_SHNDX bytes, or null
     */
    SymbolTable(ByteBuffer entries, ByteBuffer strings, ByteBuffer shndx, ElfClass elfClass) {
        this.entries = entries;
        this.strings = strings;
        this.shndx = shndx;
        this.is64 = elfClass == ElfClass.ELFCLASS64;
        this.entrySize = elfClass.symbolSize();
        this.count = entries.remaining() / entrySize;
        this.decoded = new Symbol[count];
    }

    static final SymbolTable EMPTY = new SymbolTable(ByteBuffer.allocate(0), ByteBuffer.allocate(1), null,
            ElfClass.ELFCLASS64);

    @Override
    public int size() {
        return count;
    }

    long nameOffset(int i) {
        return entries.getInt(i * entrySize) & 0xffffffffL;
    }

    int rawShndx(int i) {
        return entries.getShort(i * entrySize + (is64 ? 6 : 14)) & 0xffff;
    }

    long extendedIndex(int i) {
        return shndx == null ? -1 : shndx.getInt(4 * i) & 0xffffffffL;
    }

    @Override
    public Symbol get(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException(i);
        }
        Symbol s = decoded[i];
        if (s == null) {
            s = decode(i);
            decoded[i] = s;
        }
        return s;
    }

    private Symbol decode(int i) {
        int p = i * entrySize;
        long value;
        long size;
        int info;
        int other;
        if (is64) {
            info = entries.get(p + 4) & 0xff;
            other = entries.get(p + 5) & 0xff;
            value = entries.getLong(p + 8);
            size = entries.getLong(p + 16);
        } else {
            value = entries.getInt(p + 4) & 0xffffffffL;
            size = entries.getInt(p + 8) & 0xffffffffL;
            info = entries.get(p + 12) & 0xff;
            other = entries.get(p + 13) & 0xff;
        }
        int raw = rawShndx(i);
        int resolved = raw == SectionIndex.SHN_XINDEX ? (int) extendedIndex(i) : raw;
        return new Symbol(i, string(strings, nameOffset(i)), value, size, new SymbolType(info & 0xf),
                new SymbolBinding(info >>> 4), SymbolVisibility.ofOther(other), other, raw, resolved);
    }

    /** The NUL-terminated string at {@code at} of a table known to end in NUL. */
    static String string(ByteBuffer table, long at) {
        int start = (int) at;
        int end = start;
        int limit = table.limit();
        while (end < limit && table.get(end) != 0) {
            end++;
        }
        if (end == start) {
            return "";
        }
        byte[] b = new byte[end - start];
        table.get(start, b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
