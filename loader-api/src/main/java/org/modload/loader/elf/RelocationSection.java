package org.modload.loader.elf;

import java.nio.ByteBuffer;
import java.util.AbstractList;
import java.util.List;
import java.util.OptionalLong;
import java.util.RandomAccess;

/**
 * A SHT_REL or SHT_RELA section. Its entries were validated when the file was parsed, but are
 * decoded from the section's bytes only when read, so that a whole module tree can be parsed
 * without materializing millions of entries nobody asks for. Immutable.
 */
public final class RelocationSection {
    private final Section section;
    private final Section target;
    private final Section symbolTable;
    private final boolean is64;
    private final boolean rela;
    private final int entrySize;
    private final int count;

    RelocationSection(Section section, Section target, Section symbolTable, ElfClass elfClass) {
        this.section = section;
        this.target = target;
        this.symbolTable = symbolTable;
        this.is64 = elfClass == ElfClass.ELFCLASS64;
        this.rela = section.type().equals(SectionType.SHT_RELA);
        this.entrySize = rela ? elfClass.relaSize() : elfClass.relSize();
        this.count = (int) (section.size() / entrySize);
    }

    /** The relocation section itself. */
    public Section section() {
        return section;
    }

    /** The section its entries patch (sh_info). */
    public Section target() {
        return target;
    }

    /** The symbol table its entries index (sh_link). */
    public Section symbolTable() {
        return symbolTable;
    }

    /** True for SHT_RELA (explicit addends). */
    public boolean isRela() {
        return rela;
    }

    /** The number of entries. */
    public int size() {
        return count;
    }

    /** Entry {@code i}, decoded from the section bytes. */
    public Relocation entry(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException(i);
        }
        return decode(section.bytes(), i * entrySize, is64, rela);
    }

    /** The entries in file order, as a read-only list decoded on access. */
    public List<Relocation> entries() {
        return new Entries();
    }

    static Relocation decode(ByteBuffer b, int p, boolean is64, boolean rela) {
        if (is64) {
            long info = b.getLong(p + 8);
            return new Relocation(b.getLong(p), (int) info, (int) (info >>> 32),
                    rela ? OptionalLong.of(b.getLong(p + 16)) : OptionalLong.empty());
        }
        long info = b.getInt(p + 4) & 0xffffffffL;
        return new Relocation(b.getInt(p) & 0xffffffffL, (int) (info & 0xff), (int) (info >>> 8),
                rela ? OptionalLong.of(b.getInt(p + 8)) : OptionalLong.empty());
    }

    private final class Entries extends AbstractList<Relocation> implements RandomAccess {
        private final ByteBuffer bytes = section.bytes();

        @Override
        public Relocation get(int index) {
            if (index < 0 || index >= count) {
                throw new IndexOutOfBoundsException(index);
            }
            return decode(bytes, index * entrySize, is64, rela);
        }

        @Override
        public int size() {
            return count;
        }
    }

    @Override
    public String toString() {
        return section + " -> " + target + " (" + count + " entries)";
    }
}
