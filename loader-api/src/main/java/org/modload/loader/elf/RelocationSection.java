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
    private final boolean mips64;
    private final boolean rela;
    private final int entrySize;
    private final int count;

    RelocationSection(Section section, Section target, Section symbolTable, ElfClass elfClass, Machine machine) {
        this.section = section;
        this.target = target;
        this.symbolTable = symbolTable;
        this.is64 = elfClass == ElfClass.ELFCLASS64;
        this.mips64 = is64 && machine.equals(Machine.EM_MIPS);
        this.rela = section.type().equals(SectionType.SHT_RELA);
        this.entrySize = rela ? elfClass.relaSize() : elfClass.relSize();
        this.count = (int) (section.size() / entrySize);
    }

    /** The relocation section itself. */
    public Section section() {
        return section;
    }

    /**
     * The section its entries patch (sh_info). In a linked file whose dynamic relocations patch
     * addresses rather than one section (sh_info 0), this is section 0 (SHT_NULL).
     */
    public Section target() {
        return target;
    }

    /** Whether sh_info names a section the entries patch (always so in a relocatable object). */
    public boolean hasTarget() {
        return target.index() != 0;
    }

    /**
     * The symbol table its entries index (sh_link): SHT_SYMTAB or SHT_DYNSYM; section 0 in a
     * linked file whose relocations use no symbol (sh_link 0, every symbol index 0).
     */
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
        return decode(section.fileBytes(), i * entrySize, is64, mips64, rela);
    }

    /** The entries in file order, as a read-only list decoded on access. */
    public List<Relocation> entries() {
        return new Entries();
    }

    /**
     * The entries' fields as primitives, read from one view of the section bytes: for a hot loop
     * that must not make an object per entry (the link engine's). Entry {@code i} has the fields
     * {@link #entry(int)} decodes.
     */
    public Fields fields() {
        return new Fields(section.fileBytes());
    }

    /**
     * Primitive access to the entries of one relocation section; indexes are checked as
     * {@link #entry(int)} checks them. Immutable over read-only bytes.
     */
    public final class Fields {
        private final ByteBuffer b;

        private Fields(ByteBuffer b) {
            this.b = b;
        }

        private int at(int i) {
            if (i < 0 || i >= count) {
                throw new IndexOutOfBoundsException(i);
            }
            return i * entrySize;
        }

        /** r_offset of entry {@code i}. */
        public long offset(int i) {
            int p = at(i);
            return is64 ? b.getLong(p) : b.getInt(p) & 0xffffffffL;
        }

        /** The (first) relocation type of entry {@code i}. */
        public int type(int i) {
            int p = at(i);
            if (mips64) {
                return b.get(p + 15) & 0xff;
            }
            return is64 ? (int) b.getLong(p + 8) : b.getInt(p + 4) & 0xff;
        }

        /** The symbol index of entry {@code i}. */
        public int symbol(int i) {
            return (int) symbolIndex(b, at(i));
        }

        /** r_addend of entry {@code i}; 0 for SHT_REL, whose addend lives in the place. */
        public long addend(int i) {
            int p = at(i);
            if (!rela) {
                return 0;
            }
            return is64 ? b.getLong(p + 16) : b.getInt(p + 8);
        }
    }

    static Relocation decode(ByteBuffer b, int p, boolean is64, boolean mips64, boolean rela) {
        if (mips64) {
            return mips64(b, p, rela);
        }
        if (is64) {
            long info = b.getLong(p + 8);
            return new Relocation(b.getLong(p), (int) info, (int) (info >>> 32),
                    rela ? OptionalLong.of(b.getLong(p + 16)) : OptionalLong.empty());
        }
        long info = b.getInt(p + 4) & 0xffffffffL;
        return new Relocation(b.getInt(p) & 0xffffffffL, (int) (info & 0xff), (int) (info >>> 8),
                rela ? OptionalLong.of(b.getInt(p + 8)) : OptionalLong.empty());
    }

    /**
     * MIPS64's r_info is not one 64-bit word but r_sym (32 bits, in the file's byte order), then
     * the bytes r_ssym, r_type3, r_type2, r_type (binutils elf64-mips.c, mips_elf64_swap_reloca_in).
     */
    private static Relocation mips64(ByteBuffer b, int p, boolean rela) {
        int sym = b.getInt(p + 8);
        int ssym = b.get(p + 12) & 0xff;
        int type3 = b.get(p + 13) & 0xff;
        int type2 = b.get(p + 14) & 0xff;
        int type = b.get(p + 15) & 0xff;
        return new Relocation(b.getLong(p), type, sym, rela ? OptionalLong.of(b.getLong(p + 16)) : OptionalLong.empty(),
                type2, type3, ssym);
    }

    /** The symbol index of entry {@code i} without decoding the rest, for validation. */
    long symbolIndex(int i) {
        return symbolIndex(section.fileBytes(), i * entrySize);
    }

    private long symbolIndex(ByteBuffer b, int p) {
        if (mips64) {
            return b.getInt(p + 8) & 0xffffffffL;
        }
        return is64 ? b.getLong(p + 8) >>> 32 : (b.getInt(p + 4) & 0xffffffffL) >>> 8;
    }

    private final class Entries extends AbstractList<Relocation> implements RandomAccess {
        private final ByteBuffer bytes = section.fileBytes();

        @Override
        public Relocation get(int index) {
            if (index < 0 || index >= count) {
                throw new IndexOutOfBoundsException(index);
            }
            return decode(bytes, index * entrySize, is64, mips64, rela);
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
