package org.modload.loader.elf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.modload.loader.diag.ElfCheck;
import org.modload.loader.diag.Location;
import org.modload.loader.diag.MalformedElfException;

/**
 * Reads an ELF image, checking every structure before it is used. One instance parses one file;
 * it is not shared. The checks follow Linux {@code elf_validity_check()} first, then the ones a
 * reader of untrusted input needs (see {@link ElfCheck}).
 */
final class ElfParser {
    private static final int EI_NIDENT = 16;
    private static final int EV_CURRENT = 1;

    private final String file;
    private final ByteBuffer image;
    private final long length;

    ElfParser(String file, ByteBuffer bytes) {
        this.file = file;
        this.image = bytes.slice();
        this.length = image.remaining();
    }

    private MalformedElfException fail(ElfCheck check, String detail) {
        return new MalformedElfException(Location.ofFile(file), check, detail);
    }

    private MalformedElfException fail(int index, String name, ElfCheck check, String detail) {
        return new MalformedElfException(Location.ofSection(file, index, name), check, detail);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    ElfHeader readHeader() {
        if (length < EI_NIDENT) {
            throw fail(ElfCheck.HEADER_TRUNCATED,
                    "file size " + hex(length) + " is smaller than e_ident (0x10 bytes)");
        }
        if (u8(0) != 0x7f || u8(1) != 'E' || u8(2) != 'L' || u8(3) != 'F') {
            throw fail(ElfCheck.MAGIC, String.format(
                    "not an ELF file: e_ident starts %02x %02x %02x %02x, not 7f 45 4c 46",
                    u8(0), u8(1), u8(2), u8(3)));
        }
        ElfClass elfClass = ElfClass.ofValue(u8(4));
        if (elfClass == null) {
            throw fail(ElfCheck.CLASS, "invalid EI_CLASS " + u8(4));
        }
        ElfData data = ElfData.ofValue(u8(5));
        if (data == null) {
            throw fail(ElfCheck.DATA, "invalid EI_DATA " + u8(5));
        }
        if (u8(6) != EV_CURRENT) {
            throw fail(ElfCheck.VERSION, "invalid EI_VERSION " + u8(6) + " (expected 1)");
        }
        if (length < elfClass.headerSize()) {
            throw fail(ElfCheck.HEADER_TRUNCATED, "file size " + hex(length) + " is smaller than the "
                    + elfClass + " header (" + hex(elfClass.headerSize()) + " bytes)");
        }
        image.order(data.order());
        boolean is64 = elfClass == ElfClass.ELFCLASS64;
        int type = u16(16);
        int machine = u16(18);
        long version = u32(20);
        long entry;
        long phoff;
        long shoff;
        int p;
        if (is64) {
            entry = u64(24);
            phoff = u64(32);
            shoff = u64(40);
            p = 48;
        } else {
            entry = u32(24);
            phoff = u32(28);
            shoff = u32(32);
            p = 36;
        }
        ElfHeader header = new ElfHeader(elfClass, data, u8(7), u8(8), new ElfType(type),
                new Machine(machine), version, entry, phoff, shoff, (int) u32(p), u16(p + 4),
                u16(p + 6), u16(p + 8), u16(p + 10), u16(p + 12), u16(p + 14));
        if (version != EV_CURRENT) {
            throw fail(ElfCheck.VERSION, "invalid e_version " + version + " (expected 1)");
        }
        if (header.ehsize() != elfClass.headerSize()) {
            throw fail(ElfCheck.HEADER_SIZE, "e_ehsize " + hex(header.ehsize()) + " is not "
                    + hex(elfClass.headerSize()) + " (the " + elfClass + " header size)");
        }
        return header;
    }

    ElfFile parse(boolean relocatableOnly) {
        ElfHeader h = readHeader();
        if (relocatableOnly && !h.type().equals(ElfType.ET_REL)) {
            throw fail(ElfCheck.TYPE, "not a relocatable object: e_type is " + h.type());
        }
        ElfClass c = h.elfClass();
        if (h.shoff() == 0) {
            throw fail(ElfCheck.SECTION_TABLE_BOUNDS, "no section header table (e_shoff 0)");
        }
        if (h.shentsize() != c.sectionHeaderSize()) {
            throw fail(ElfCheck.SECTION_HEADER_SIZE, "e_shentsize " + hex(h.shentsize()) + " is not "
                    + hex(c.sectionHeaderSize()) + " (the " + c + " section header size)");
        }
        long shoff = h.shoff();
        if (Long.compareUnsigned(shoff, length) >= 0
                || Long.compareUnsigned(length - shoff, c.sectionHeaderSize()) < 0) {
            throw fail(ElfCheck.SECTION_TABLE_BOUNDS, "e_shoff " + hex(shoff)
                    + " leaves no room for a section header in file size " + hex(length));
        }
        SectionHeader zero = sectionHeader(shoff, c);
        long count = h.shnum();
        if (count == 0) {
            // Extended numbering: the real count is in section 0's sh_size.
            count = zero.size();
            if (count == 0) {
                throw fail(ElfCheck.SECTION_ZERO, "e_shnum is 0 and section 0's sh_size holds no section count");
            }
        }
        if (Long.compareUnsigned(count, (length - shoff) / c.sectionHeaderSize()) > 0) {
            throw fail(ElfCheck.SECTION_TABLE_BOUNDS, "section header table at e_shoff " + hex(shoff)
                    + " with " + Long.toUnsignedString(count) + " entries of " + hex(c.sectionHeaderSize())
                    + " bytes exceeds file size " + hex(length));
        }
        int n = (int) count;
        if (!zero.type().equals(SectionType.SHT_NULL) || zero.addr() != 0
                || (h.shnum() != 0 && zero.size() != 0)) {
            throw fail(0, "", ElfCheck.SECTION_ZERO, "section 0 must be SHT_NULL with zero address and size"
                    + " (type " + zero.type().specName(h.machine()) + ", addr " + hex(zero.addr())
                    + ", size " + hex(zero.size()) + ")");
        }
        List<SectionHeader> headers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            headers.add(i == 0 ? zero : sectionHeader(shoff + (long) i * c.sectionHeaderSize(), c));
        }
        int shstrndx = h.shstrndx() == SectionIndex.SHN_XINDEX ? zero.link() : h.shstrndx();
        if (shstrndx == SectionIndex.SHN_UNDEF) {
            throw fail(ElfCheck.SHSTRNDX, "no section name table (e_shstrndx 0)");
        }
        if (Integer.compareUnsigned(shstrndx, n) >= 0) {
            throw fail(ElfCheck.SHSTRNDX, "e_shstrndx " + Integer.toUnsignedString(shstrndx)
                    + " is not below the section count " + n);
        }
        SectionHeader strh = headers.get(shstrndx);
        if (!strh.type().equals(SectionType.SHT_STRTAB)) {
            throw fail(shstrndx, "", ElfCheck.SHSTRNDX, "e_shstrndx names a "
                    + strh.type().specName(h.machine()) + " section, not SHT_STRTAB");
        }
        checkBounds(shstrndx, "", strh);
        checkTerminated(shstrndx, "", strh);
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SectionHeader sh = headers.get(i);
            if (Long.compareUnsigned(sh.nameOffset(), strh.size()) >= 0) {
                throw fail(i, "", ElfCheck.SECTION_NAME, "sh_name " + hex(sh.nameOffset())
                        + " is outside the section name table (size " + hex(strh.size()) + ")");
            }
            names.add(string(strh.offset(), strh.size(), sh.nameOffset()));
        }
        List<Section> sections = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SectionHeader sh = headers.get(i);
            String name = names.get(i);
            if (sh.hasFileBytes() && i != 0) {
                checkBounds(i, name, sh);
            }
            if (sh.addralign() != 0 && Long.bitCount(sh.addralign()) != 1) {
                throw fail(i, name, ElfCheck.ALIGNMENT, "sh_addralign " + hex(sh.addralign()) + " is not a power of two");
            }
            sections.add(new Section(i, name, sh, sh.hasFileBytes() && i != 0
                    ? view(sh.offset(), sh.size()) : ByteBuffer.allocate(0).asReadOnlyBuffer().order(image.order())));
        }
        return new Linker(h, sections).finish();
    }

    /** Resolves links between sections: symbol table, its strings and indices, relocations. */
    private final class Linker {
        private final ElfHeader h;
        private final List<Section> sections;
        private final int n;

        Linker(ElfHeader h, List<Section> sections) {
            this.h = h;
            this.sections = sections;
            this.n = sections.size();
        }

        private String typeName(Section s) {
            return s.type().specName(h.machine());
        }

        private Section linked(Section from, long index, String field, SectionType wanted) {
            if (index == 0 || Long.compareUnsigned(index, n) >= 0) {
                throw fail(from.index(), from.name(), ElfCheck.SECTION_LINK, field + " "
                        + Long.toUnsignedString(index) + " does not name a section (section count " + n + ")");
            }
            Section to = sections.get((int) index);
            if (wanted != null && !to.type().equals(wanted)) {
                throw fail(from.index(), from.name(), ElfCheck.SECTION_LINK, field + " " + index + " names a "
                        + typeName(to) + " section, not " + wanted.specName(h.machine()));
            }
            return to;
        }

        private void entsize(Section s, int expected, String what) {
            long es = s.header().entsize();
            if (es != expected) {
                throw fail(s.index(), s.name(), ElfCheck.ENTSIZE, "sh_entsize " + hex(es) + " is not "
                        + hex(expected) + " (the " + h.elfClass() + " " + what + " size)");
            }
            if (s.size() % expected != 0) {
                throw fail(s.index(), s.name(), ElfCheck.ENTSIZE, "sh_size " + hex(s.size())
                        + " is not a multiple of sh_entsize " + hex(expected));
            }
        }

        ElfFile finish() {
            Section symtab = null;
            for (Section s : sections) {
                if (s.type().equals(SectionType.SHT_SYMTAB)) {
                    if (symtab != null) {
                        throw fail(s.index(), s.name(), ElfCheck.SYMTAB_COUNT,
                                "second SHT_SYMTAB (the first is section header " + symtab.index() + ")");
                    }
                    symtab = s;
                }
            }
            List<Symbol> symbols = symtab == null ? List.of() : symbols(symtab);
            List<RelocationSection> relocs = new ArrayList<>();
            for (Section s : sections) {
                boolean rela = s.type().equals(SectionType.SHT_RELA);
                if (rela || s.type().equals(SectionType.SHT_REL)) {
                    relocs.add(relocations(s, rela, symbols));
                }
            }
            return new ElfFile(file, h, image, sections, Optional.ofNullable(symtab), symbols, relocs);
        }

        private List<Symbol> symbols(Section symtab) {
            ElfClass c = h.elfClass();
            entsize(symtab, c.symbolSize(), "symbol");
            Section strtab = linked(symtab, symtab.header().link(), "sh_link", SectionType.SHT_STRTAB);
            checkTerminated(strtab.index(), strtab.name(), strtab.header());
            int count = (int) (symtab.size() / c.symbolSize());
            Section shndxTable = null;
            for (Section s : sections) {
                if (s.type().equals(SectionType.SHT_SYMTAB_SHNDX) && s.header().link() == symtab.index()) {
                    shndxTable = s;
                }
            }
            if (shndxTable != null && shndxTable.size() != 4L * count) {
                throw fail(shndxTable.index(), shndxTable.name(), ElfCheck.SYMTAB_SHNDX, "sh_size "
                        + hex(shndxTable.size()) + " is not 4 * " + count + " symbols");
            }
            long base = symtab.header().offset();
            long strOff = strtab.header().offset();
            long strSize = strtab.size();
            boolean is64 = c == ElfClass.ELFCLASS64;
            List<Symbol> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long p = base + (long) i * c.symbolSize();
                long stName = u32(p);
                long value;
                long size;
                int info;
                int other;
                int shndx;
                if (is64) {
                    info = u8(p + 4);
                    other = u8(p + 5);
                    shndx = u16(p + 6);
                    value = u64(p + 8);
                    size = u64(p + 16);
                } else {
                    value = u32(p + 4);
                    size = u32(p + 8);
                    info = u8(p + 12);
                    other = u8(p + 13);
                    shndx = u16(p + 14);
                }
                if (stName >= strSize) {
                    throw fail(symtab.index(), symtab.name(), ElfCheck.SYMBOL_NAME, "symbol " + i + ": st_name "
                            + hex(stName) + " is outside " + strtab.name() + " (size " + hex(strSize) + ")");
                }
                String name = string(strOff, strSize, stName);
                int resolved = shndx;
                if (shndx == SectionIndex.SHN_XINDEX) {
                    if (shndxTable == null) {
                        throw fail(symtab.index(), symtab.name(), ElfCheck.SYMTAB_SHNDX, "symbol " + i + " ("
                                + name + ") has st_shndx SHN_XINDEX but no SHT_SYMTAB_SHNDX section links here");
                    }
                    long x = u32(shndxTable.header().offset() + 4L * i);
                    if (x == 0 || x >= n) {
                        throw fail(symtab.index(), symtab.name(), ElfCheck.SYMBOL_SECTION, "symbol " + i + " (" + name
                                + "): extended section index " + x + " is not below the section count " + n);
                    }
                    resolved = (int) x;
                } else if (shndx != SectionIndex.SHN_UNDEF && shndx < SectionIndex.SHN_LORESERVE && shndx >= n) {
                    throw fail(symtab.index(), symtab.name(), ElfCheck.SYMBOL_SECTION, "symbol " + i + " (" + name
                            + "): st_shndx " + shndx + " is not below the section count " + n);
                }
                out.add(new Symbol(i, name, value, size, new SymbolType(info & 0xf), new SymbolBinding(info >>> 4),
                        SymbolVisibility.ofOther(other), other, shndx, resolved));
            }
            return out;
        }

        private RelocationSection relocations(Section s, boolean rela, List<Symbol> symbols) {
            ElfClass c = h.elfClass();
            int size = rela ? c.relaSize() : c.relSize();
            entsize(s, size, rela ? "Elf_Rela" : "Elf_Rel");
            Section symtab = linked(s, s.header().link(), "sh_link", SectionType.SHT_SYMTAB);
            Section target = linked(s, Integer.toUnsignedLong(s.header().info()), "sh_info", null);
            if (!target.header().hasFileBytes()) {
                throw fail(s.index(), s.name(), ElfCheck.SECTION_LINK, "sh_info " + target.index() + " names a "
                        + typeName(target) + " section, which has no bytes to relocate");
            }
            RelocationSection result = new RelocationSection(s, target, symtab, c);
            ByteBuffer bytes = s.bytes();
            boolean is64 = c == ElfClass.ELFCLASS64;
            long symbolCount = symbols.size();
            for (int i = 0; i < result.size(); i++) {
                int p = i * size;
                long offset = is64 ? bytes.getLong(p) : bytes.getInt(p) & 0xffffffffL;
                long sym = is64 ? bytes.getLong(p + 8) >>> 32 : (bytes.getInt(p + 4) & 0xffffffffL) >>> 8;
                if (sym >= symbolCount) {
                    throw fail(s.index(), s.name(), ElfCheck.RELOCATION_SYMBOL, "relocation " + i + " at r_offset "
                            + hex(offset) + ": symbol index " + sym + " is outside the symbol table ("
                            + symbolCount + " symbols)");
                }
                if (Long.compareUnsigned(offset, target.size()) >= 0) {
                    throw fail(s.index(), s.name(), ElfCheck.RELOCATION_OFFSET, "relocation " + i + ": r_offset "
                            + hex(offset) + " is outside section header " + target.index() + " (" + target.name()
                            + ") of size " + hex(target.size()));
                }
            }
            return result;
        }
    }

    private void checkBounds(int index, String name, SectionHeader sh) {
        long end = sh.offset() + sh.size();
        if (Long.compareUnsigned(end, sh.offset()) < 0) {
            throw fail(index, name, ElfCheck.SECTION_BOUNDS, "sh_offset " + hex(sh.offset()) + " + sh_size "
                    + hex(sh.size()) + " overflows");
        }
        if (Long.compareUnsigned(end, length) > 0) {
            throw fail(index, name, ElfCheck.SECTION_BOUNDS, "sh_offset " + hex(sh.offset()) + " + sh_size "
                    + hex(sh.size()) + " exceeds file size " + hex(length));
        }
    }

    private void checkTerminated(int index, String name, SectionHeader sh) {
        if (sh.size() == 0) {
            throw fail(index, name, ElfCheck.STRTAB_TERMINATION, "string table is empty");
        }
        if (u8(sh.offset() + sh.size() - 1) != 0) {
            throw fail(index, name, ElfCheck.STRTAB_TERMINATION, "string table is not NUL-terminated");
        }
    }

    private SectionHeader sectionHeader(long p, ElfClass c) {
        if (c == ElfClass.ELFCLASS64) {
            return new SectionHeader(u32(p), new SectionType((int) u32(p + 4)), u64(p + 8), u64(p + 16),
                    u64(p + 24), u64(p + 32), (int) u32(p + 40), (int) u32(p + 44), u64(p + 48), u64(p + 56));
        }
        return new SectionHeader(u32(p), new SectionType((int) u32(p + 4)), u32(p + 8), u32(p + 12),
                u32(p + 16), u32(p + 20), (int) u32(p + 24), (int) u32(p + 28), u32(p + 32), u32(p + 36));
    }

    /** A NUL-terminated string; the table is known to be terminated, so the scan ends inside it. */
    private String string(long tableOffset, long tableSize, long at) {
        int start = (int) (tableOffset + at);
        int end = start;
        int limit = (int) (tableOffset + tableSize);
        while (end < limit && image.get(end) != 0) {
            end++;
        }
        if (end == start) {
            return "";
        }
        byte[] b = new byte[end - start];
        image.get(start, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private ByteBuffer view(long offset, long size) {
        return image.slice((int) offset, (int) size).asReadOnlyBuffer().order(image.order());
    }

    private int u8(long p) {
        return image.get((int) p) & 0xff;
    }

    private int u16(long p) {
        return image.getShort((int) p) & 0xffff;
    }

    private long u32(long p) {
        return image.getInt((int) p) & 0xffffffffL;
    }

    private long u64(long p) {
        return image.getLong((int) p);
    }
}
