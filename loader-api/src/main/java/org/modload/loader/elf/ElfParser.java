package org.modload.loader.elf;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    /**
     * Limits decided before anything is allocated, each far above what real objects have (a
     * Debian vmlinux has about 40 sections per thousand functions with -ffunction-sections; the
     * largest symbol tables of a distribution's libraries hold a few hundred thousand entries)
     * and each small enough that the model of one file stays a bounded share of a small heap.
     */
    static final long MAX_SECTIONS = 1L << 18;
    static final long MAX_SEGMENTS = 1L << 16;
    static final long MAX_SYMBOLS = 1L << 22;
    static final long MAX_RELOCATIONS = 1L << 24;
    static final long MAX_STRING_TABLE = 1L << 28;
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

    /** Parses a file of any e_type; see {@link ElfFile#parse}. */
    ElfFile parse() {
        ElfHeader h = readHeader();
        boolean rel = h.type().equals(ElfType.ET_REL);
        ElfClass c = h.elfClass();
        List<Section> sections;
        SectionHeader zero = null;
        if (h.shoff() == 0) {
            if (rel) {
                throw fail(ElfCheck.SECTION_TABLE_BOUNDS, "no section header table (e_shoff 0)");
            }
            // A linked file may drop its section headers (sstrip, cores): it is read through its segments.
            sections = List.of();
        } else {
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
            zero = sectionHeader(shoff, c);
            sections = sections(h, zero, rel);
        }
        List<Segment> segments = new SegmentReader(h, zero, sections).read();
        return new Linker(h, sections, segments).finish();
    }

    private List<Section> sections(ElfHeader h, SectionHeader zero, boolean rel) {
        ElfClass c = h.elfClass();
        long shoff = h.shoff();
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
        if (count > MAX_SECTIONS) {
            throw fail(ElfCheck.LIMIT, "e_shnum " + count + " sections exceed this reader's limit of " + MAX_SECTIONS);
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
        List<String> names = new ArrayList<>(n);
        if (shstrndx == SectionIndex.SHN_UNDEF && !rel) {
            // readelf reads a linked file without section names; so do we (every name empty).
            for (int i = 0; i < n; i++) {
                names.add("");
            }
        } else {
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
            if (strh.size() > MAX_STRING_TABLE) {
                throw fail(shstrndx, "", ElfCheck.LIMIT, "sh_size " + hex(strh.size())
                        + " exceeds this reader's string table limit of " + hex(MAX_STRING_TABLE));
            }
            checkTerminated(shstrndx, "", strh);
            ByteBuffer table = view(strh.offset(), strh.size());
            for (int i = 0; i < n; i++) {
                SectionHeader sh = headers.get(i);
                if (Long.compareUnsigned(sh.nameOffset(), strh.size()) >= 0) {
                    throw fail(i, "", ElfCheck.SECTION_NAME, "sh_name " + hex(sh.nameOffset())
                            + " is outside the section name table (size " + hex(strh.size()) + ")");
                }
                names.add(SymbolTable.string(table, sh.nameOffset()));
            }
        }
        List<Section> sections = new ArrayList<>(n);
        ByteBuffer empty = ByteBuffer.allocate(0).asReadOnlyBuffer().order(image.order());
        for (int i = 0; i < n; i++) {
            SectionHeader sh = headers.get(i);
            String name = names.get(i);
            boolean bytes = sh.hasFileBytes() && i != 0;
            if (bytes) {
                checkBounds(i, name, sh);
            }
            if (sh.addralign() != 0 && Long.bitCount(sh.addralign()) != 1) {
                throw fail(i, name, ElfCheck.ALIGNMENT, "sh_addralign " + hex(sh.addralign()) + " is not a power of two");
            }
            ByteBuffer view = bytes ? view(sh.offset(), sh.size()) : empty;
            Optional<CompressionHeader> chdr = bytes && sh.has(SectionFlags.SHF_COMPRESSED)
                    ? Optional.of(compressionHeader(i, name, view, c)) : Optional.empty();
            sections.add(new Section(file, i, name, sh, view, chdr));
        }
        return sections;
    }

    /** Reads the Elf_Chdr; only its presence is checked here, its contents when inflated. */
    private CompressionHeader compressionHeader(int index, String name, ByteBuffer b, ElfClass c) {
        int size = c == ElfClass.ELFCLASS64 ? 24 : 12;
        if (b.remaining() < size) {
            throw fail(index, name, ElfCheck.COMPRESSION, "SHF_COMPRESSED section of size " + hex(b.remaining())
                    + " cannot hold its " + (size == 24 ? "Elf64_Chdr" : "Elf32_Chdr") + " (" + hex(size) + " bytes)");
        }
        if (size == 24) {
            long chSize = b.getLong(8);
            long align = b.getLong(16);
            checkChdrAlign(index, name, align);
            return new CompressionHeader(new CompressionType(b.getInt(0)), chSize, align, size);
        }
        long align = b.getInt(8) & 0xffffffffL;
        checkChdrAlign(index, name, align);
        return new CompressionHeader(new CompressionType(b.getInt(0)), b.getInt(4) & 0xffffffffL, align, size);
    }

    private void checkChdrAlign(int index, String name, long align) {
        if (align != 0 && Long.bitCount(align) != 1) {
            throw fail(index, name, ElfCheck.ALIGNMENT, "ch_addralign " + hex(align) + " is not a power of two");
        }
    }

    /** Reads the program header table and makes readelf's checks on it. */
    private final class SegmentReader {
        private final ElfHeader h;
        private final SectionHeader zero;
        private final List<Section> sections;

        SegmentReader(ElfHeader h, SectionHeader zero, List<Section> sections) {
            this.h = h;
            this.zero = zero;
            this.sections = sections;
        }

        private MalformedElfException segmentFail(int index, ElfCheck check, String detail) {
            return new MalformedElfException(Location.ofSegment(file, index), check,
                    detail);
        }

        List<Segment> read() {
            long count = h.phnum();
            if (count == 0xffff && zero != null) {
                // PN_XNUM: the real count is in section 0's sh_info.
                count = Integer.toUnsignedLong(zero.info());
            }
            if (count == 0) {
                return List.of();
            }
            ElfClass c = h.elfClass();
            int size = c == ElfClass.ELFCLASS64 ? 56 : 32;
            if (h.phentsize() != size) {
                throw fail(ElfCheck.PROGRAM_HEADER_SIZE, "e_phentsize " + hex(h.phentsize()) + " is not " + hex(size)
                        + " (the " + c + " program header size)");
            }
            long phoff = h.phoff();
            if (Long.compareUnsigned(phoff, length) > 0
                    || Long.compareUnsigned(count, (length - phoff) / size) > 0) {
                throw fail(ElfCheck.PROGRAM_TABLE_BOUNDS, "program header table at e_phoff " + hex(phoff) + " with "
                        + count + " entries of " + hex(size) + " bytes exceeds file size " + hex(length));
            }
            if (count > MAX_SEGMENTS) {
                throw fail(ElfCheck.LIMIT, "e_phnum " + count + " program headers exceed this reader's limit of "
                        + MAX_SEGMENTS);
            }
            int n = (int) count;
            List<Segment> out = new ArrayList<>(n);
            ByteBuffer empty = ByteBuffer.allocate(0).asReadOnlyBuffer().order(image.order());
            Segment load = null;
            Segment dynamic = null;
            for (int i = 0; i < n; i++) {
                ProgramHeader ph = programHeader(phoff + (long) i * size, c);
                String type = ph.type().specName(h.machine());
                long end = ph.offset() + ph.filesz();
                if (Long.compareUnsigned(end, ph.offset()) < 0) {
                    throw segmentFail(i, ElfCheck.SEGMENT_BOUNDS, type + ": p_offset " + hex(ph.offset())
                            + " + p_filesz " + hex(ph.filesz()) + " overflows");
                }
                if (Long.compareUnsigned(end, length) > 0) {
                    throw segmentFail(i, ElfCheck.SEGMENT_BOUNDS, type + ": p_offset " + hex(ph.offset())
                            + " + p_filesz " + hex(ph.filesz()) + " exceeds file size " + hex(length));
                }
                Segment s = new Segment(i, ph, ph.filesz() == 0 ? empty : view(ph.offset(), ph.filesz()));
                if (ph.type().equals(SegmentType.PT_LOAD)) {
                    if (Long.compareUnsigned(ph.filesz(), ph.memsz()) > 0) {
                        throw segmentFail(i, ElfCheck.SEGMENT_BOUNDS, "PT_LOAD: p_filesz " + hex(ph.filesz())
                                + " is larger than p_memsz " + hex(ph.memsz()));
                    }
                    // readelf also complains about PT_LOADs out of p_vaddr order, but x86_64's vmlinux
                    // has its per-cpu PT_LOAD at 0 after the kernel's: order is not checked.
                    load = s;
                } else if (ph.type().equals(SegmentType.PT_PHDR)) {
                    if (load != null) {
                        throw segmentFail(i, ElfCheck.SEGMENT_CONTENTS, "PT_PHDR must come before every PT_LOAD");
                    }
                } else if (ph.type().equals(SegmentType.PT_INTERP)) {
                    // Like readelf, a PT_INTERP need only lie in the file (checked above): separate
                    // debug files keep the header while the bytes it points to hold something else.
                } else if (ph.type().equals(SegmentType.PT_DYNAMIC)) {
                    if (dynamic != null) {
                        throw segmentFail(i, ElfCheck.SEGMENT_CONTENTS, "a second PT_DYNAMIC (the first is program header "
                                + dynamic.index() + ")");
                    }
                    dynamic = s;
                }
                out.add(s);
            }
            // readelf reports a PT_PHDR no PT_LOAD covers ("the PHDR segment is not covered by a
            // LOAD segment") and goes on reading, and so do we: GNU ld writes such files when a
            // linker script pins sections (the ld differential's own output).
            checkDynamicSection(dynamic);
            return out;
        }

        /** readelf: "the .dynamic section is not contained within the dynamic segment". */
        private void checkDynamicSection(Segment dynamic) {
            if (dynamic == null) {
                return;
            }
            for (Section s : sections) {
                if (s.type().equals(SectionType.SHT_DYNAMIC) && s.size() != 0) {
                    long start = dynamic.header().offset();
                    long off = s.header().offset();
                    if (Long.compareUnsigned(off, start) < 0
                            || Long.compareUnsigned(off - start + s.size(), dynamic.header().filesz()) > 0) {
                        throw fail(s.index(), s.name(), ElfCheck.SEGMENT_CONTENTS, "the SHT_DYNAMIC section (sh_offset "
                                + hex(off) + ", sh_size " + hex(s.size()) + ") is not inside PT_DYNAMIC (program header "
                                + dynamic.index() + ", p_offset " + hex(start) + ", p_filesz "
                                + hex(dynamic.header().filesz()) + ")");
                    }
                }
            }
        }
    }

    private ProgramHeader programHeader(long p, ElfClass c) {
        if (c == ElfClass.ELFCLASS64) {
            return new ProgramHeader(new SegmentType((int) u32(p)), (int) u32(p + 4), u64(p + 8), u64(p + 16),
                    u64(p + 24), u64(p + 32), u64(p + 40), u64(p + 48));
        }
        return new ProgramHeader(new SegmentType((int) u32(p)), (int) u32(p + 24), u32(p + 4), u32(p + 8),
                u32(p + 12), u32(p + 16), u32(p + 20), u32(p + 28));
    }

    /** Resolves links between sections: symbol tables, their strings and indices, relocations. */
    private final class Linker {
        private final ElfHeader h;
        private final List<Section> sections;
        private final List<Segment> segments;
        private final int n;
        private final boolean rel;

        Linker(ElfHeader h, List<Section> sections, List<Segment> segments) {
            this.h = h;
            this.sections = sections;
            this.segments = segments;
            this.n = sections.size();
            this.rel = h.type().equals(ElfType.ET_REL);
        }

        private String typeName(Section s) {
            return s.type().specName(h.machine());
        }

        private Section linked(Section from, long index, String field, SectionType... wanted) {
            if (index == 0 || Long.compareUnsigned(index, n) >= 0) {
                throw fail(from.index(), from.name(), ElfCheck.SECTION_LINK, field + " "
                        + Long.toUnsignedString(index) + " does not name a section (section count " + n + ")");
            }
            Section to = sections.get((int) index);
            if (wanted.length > 0 && List.of(wanted).stream().noneMatch(w -> to.type().equals(w))) {
                StringBuilder names = new StringBuilder();
                for (SectionType w : wanted) {
                    names.append(names.length() == 0 ? "" : " or ").append(w.specName(h.machine()));
                }
                throw fail(from.index(), from.name(), ElfCheck.SECTION_LINK, field + " " + index + " names a "
                        + typeName(to) + " section, not " + names);
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
            Section dynsym = null;
            for (Section s : sections) {
                if (s.type().equals(SectionType.SHT_SYMTAB)) {
                    if (symtab != null) {
                        throw fail(s.index(), s.name(), ElfCheck.SYMTAB_COUNT,
                                "second SHT_SYMTAB (the first is section header " + symtab.index() + ")");
                    }
                    symtab = s;
                } else if (s.type().equals(SectionType.SHT_DYNSYM) && dynsym == null) {
                    dynsym = s;
                }
            }
            Map<Integer, SymbolTable> tables = new HashMap<>();
            SymbolTable symbols = symtab == null ? SymbolTable.EMPTY : symbols(symtab);
            if (symtab != null) {
                tables.put(symtab.index(), symbols);
            }
            // Without section headers the dynamic symbols are found as the dynamic loader finds them.
            SymbolTable dynamicSymbols = dynsym != null ? symbols(dynsym)
                    : sections.isEmpty() ? SectionlessDynamic.symbols(file, h, segments) : SymbolTable.EMPTY;
            if (dynsym != null) {
                tables.put(dynsym.index(), dynamicSymbols);
            }
            List<RelocationSection> relocs = new ArrayList<>();
            List<RelrSection> relr = new ArrayList<>();
            for (Section s : sections) {
                boolean rela = s.type().equals(SectionType.SHT_RELA);
                if (rela || s.type().equals(SectionType.SHT_REL)) {
                    relocs.add(relocations(s, rela, tables));
                } else if (s.type().equals(SectionType.SHT_RELR) && s.header().hasFileBytes()) {
                    if (s.compression().isPresent()) {
                        throw fail(s.index(), s.name(), ElfCheck.COMPRESSION, "a relocation section cannot be SHF_COMPRESSED");
                    }
                    int word = h.elfClass() == ElfClass.ELFCLASS64 ? 8 : 4;
                    entsize(s, word, "Elf_Relr");
                    relr.add(new RelrSection(s, h.elfClass()));
                }
            }
            return new ElfFile(file, h, image, sections, segments, Optional.ofNullable(symtab), symbols,
                    Optional.ofNullable(dynsym), dynamicSymbols, relocs, relr);
        }

        private SymbolTable symbols(Section symtab) {
            ElfClass c = h.elfClass();
            if (symtab.compression().isPresent()) {
                throw fail(symtab.index(), symtab.name(), ElfCheck.COMPRESSION, "a symbol table cannot be SHF_COMPRESSED");
            }
            entsize(symtab, c.symbolSize(), "symbol");
            Section strtab = linked(symtab, symtab.header().link(), "sh_link", SectionType.SHT_STRTAB);
            checkTerminated(strtab.index(), strtab.name(), strtab.header());
            if (strtab.compression().isPresent()) {
                throw fail(strtab.index(), strtab.name(), ElfCheck.COMPRESSION, "a string table of symbols cannot be SHF_COMPRESSED");
            }
            long count = symtab.size() / c.symbolSize();
            if (count > MAX_SYMBOLS) {
                throw fail(symtab.index(), symtab.name(), ElfCheck.LIMIT, "sh_size " + hex(symtab.size()) + " holds " + count
                        + " symbols, more than this reader's limit of " + MAX_SYMBOLS);
            }
            if (strtab.size() > MAX_STRING_TABLE) {
                throw fail(strtab.index(), strtab.name(), ElfCheck.LIMIT, "sh_size " + hex(strtab.size())
                        + " exceeds this reader's string table limit of " + hex(MAX_STRING_TABLE));
            }
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
            SymbolTable table = new SymbolTable(symtab.fileBytes(), strtab.fileBytes(),
                    shndxTable == null ? null : shndxTable.fileBytes(), c);
            long strSize = strtab.size();
            // Every entry is checked now, none is decoded: a large table costs a scan, not objects.
            for (int i = 0; i < table.size(); i++) {
                long stName = table.nameOffset(i);
                if (stName >= strSize) {
                    throw fail(symtab.index(), symtab.name(), ElfCheck.SYMBOL_NAME, "symbol " + i + ": st_name "
                            + hex(stName) + " is outside " + strtab.name() + " (size " + hex(strSize) + ")");
                }
                int shndx = table.rawShndx(i);
                if (shndx == SectionIndex.SHN_XINDEX) {
                    if (shndxTable == null) {
                        throw fail(symtab.index(), symtab.name(), ElfCheck.SYMTAB_SHNDX, "symbol " + i + " ("
                                + table.get(i).name() + ") has st_shndx SHN_XINDEX but no SHT_SYMTAB_SHNDX section links here");
                    }
                    long x = table.extendedIndex(i);
                    if (x == 0 || x >= n) {
                        throw fail(symtab.index(), symtab.name(), ElfCheck.SYMBOL_SECTION, "symbol " + i + " ("
                                + table.get(i).name() + "): extended section index " + x
                                + " is not below the section count " + n);
                    }
                } else if (shndx != SectionIndex.SHN_UNDEF && shndx < SectionIndex.SHN_LORESERVE && shndx >= n) {
                    throw fail(symtab.index(), symtab.name(), ElfCheck.SYMBOL_SECTION, "symbol " + i + " ("
                            + table.get(i).name() + "): st_shndx " + shndx + " is not below the section count " + n);
                }
            }
            return table;
        }

        private RelocationSection relocations(Section s, boolean rela, Map<Integer, SymbolTable> tables) {
            ElfClass c = h.elfClass();
            if (s.compression().isPresent()) {
                throw fail(s.index(), s.name(), ElfCheck.COMPRESSION, "a relocation section cannot be SHF_COMPRESSED");
            }
            int size = rela ? c.relaSize() : c.relSize();
            entsize(s, size, rela ? "Elf_Rela" : "Elf_Rel");
            if (s.size() / size > MAX_RELOCATIONS) {
                throw fail(s.index(), s.name(), ElfCheck.LIMIT, "sh_size " + hex(s.size()) + " holds " + s.size() / size
                        + " relocations, more than this reader's limit of " + MAX_RELOCATIONS);
            }
            Section symtab;
            long symbolCount;
            if (!rel && s.header().link() == 0) {
                symtab = sections.get(0); // e.g. IRELATIVE relocations of a static executable
                symbolCount = 1;
            } else {
                symtab = linked(s, Integer.toUnsignedLong(s.header().link()), "sh_link",
                        SectionType.SHT_SYMTAB, SectionType.SHT_DYNSYM);
                symbolCount = Math.max(1, tables.get(symtab.index()).size());
            }
            Section target;
            long info = Integer.toUnsignedLong(s.header().info());
            if (rel) {
                target = linked(s, info, "sh_info");
                if (target.index() == s.index()) {
                    throw fail(s.index(), s.name(), ElfCheck.SECTION_LINK, "sh_info " + info
                            + " names the relocation section itself");
                }
                if (!target.header().hasFileBytes()) {
                    throw fail(s.index(), s.name(), ElfCheck.SECTION_LINK, "sh_info " + target.index() + " names a "
                            + typeName(target) + " section, which has no bytes to relocate");
                }
            } else {
                // Dynamic relocations patch addresses; sh_info names a section only with SHF_INFO_LINK.
                target = info != 0 && info < n ? sections.get((int) info) : sections.get(0);
            }
            RelocationSection result = new RelocationSection(s, target, symtab, c, h.machine());
            ByteBuffer bytes = s.fileBytes();
            boolean is64 = c == ElfClass.ELFCLASS64;
            for (int i = 0; i < result.size(); i++) {
                int p = i * size;
                long offset = is64 ? bytes.getLong(p) : bytes.getInt(p) & 0xffffffffL;
                long sym = result.symbolIndex(i);
                if (sym >= symbolCount) {
                    throw fail(s.index(), s.name(), ElfCheck.RELOCATION_SYMBOL, "relocation " + i + " at r_offset "
                            + hex(offset) + ": symbol index " + sym + " is outside the symbol table ("
                            + (symtab.index() == 0 ? 0 : symbolCount) + " symbols)");
                }
                if (rel && Long.compareUnsigned(offset, target.size()) >= 0) {
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
