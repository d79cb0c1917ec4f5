package org.modload.loader.elf;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.modload.loader.diag.ElfCheck;
import org.modload.loader.diag.Location;
import org.modload.loader.diag.MalformedElfException;

/**
 * A parsed and validated ELF file of any e_type: a relocatable object, an executable, a shared
 * object, a core file. Immutable; section and segment bytes are views of the buffer given to
 * {@link #parse(String, ByteBuffer)}, which must not be changed afterwards (a read-only mapping
 * of the file is the intended input for large files). Structures are checked when the file is
 * parsed; the symbol tables are decoded entry by entry when read, and notes, the dynamic
 * section and symbol versions are read (and checked) when first asked for.
 */
public final class ElfFile {
    private final String name;
    private final ElfHeader header;
    private final ByteBuffer image;
    private final List<Section> sections;
    private final List<Segment> segments;
    private final Optional<Section> symbolTable;
    private final List<Symbol> symbols;
    private final Optional<Section> dynamicSymbolTable;
    private final List<Symbol> dynamicSymbols;
    private final List<RelocationSection> relocationSections;
    private final List<RelrSection> relrSections;

    ElfFile(String name, ElfHeader header, ByteBuffer image, List<Section> sections, List<Segment> segments,
            Optional<Section> symbolTable, List<Symbol> symbols, Optional<Section> dynamicSymbolTable,
            List<Symbol> dynamicSymbols, List<RelocationSection> relocationSections, List<RelrSection> relrSections) {
        this.name = Objects.requireNonNull(name);
        this.header = header;
        this.image = image;
        this.sections = List.copyOf(sections);
        this.segments = List.copyOf(segments);
        this.symbolTable = symbolTable;
        this.symbols = symbols;
        this.dynamicSymbolTable = dynamicSymbolTable;
        this.dynamicSymbols = dynamicSymbols;
        this.relocationSections = List.copyOf(relocationSections);
        this.relrSections = List.copyOf(relrSections);
    }

    /**
     * Parses and validates an ELF file of any e_type. A relocatable object gets every check the
     * Linux module loader makes (section headers required, relocation targets and offsets);
     * linked files get readelf's checks of their program headers. Whether an object can be
     * linked is asked separately ({@link #requireRelocatable()}).
     *
     * @param name the name used in error messages, usually the file name
     * @param bytes the whole file; its position and limit delimit the file; it is not copied, so
     *     the caller must not change it while the result is in use
     * @throws MalformedElfException if any structural check fails
     */
    public static ElfFile parse(String name, ByteBuffer bytes) {
        return new ElfParser(name, bytes).parse();
    }

    /**
     * The same as {@link #parse}, kept for callers written when {@code parse} took only ET_REL.
     *
     * @throws MalformedElfException if any structural check fails
     */
    public static ElfFile parseAnyType(String name, ByteBuffer bytes) {
        return parse(name, bytes);
    }

    /**
     * Reads and checks only the ELF header, for a file of any e_type.
     *
     * @throws MalformedElfException if the identification or header is bad
     */
    public static ElfHeader readHeader(String name, ByteBuffer bytes) {
        return new ElfParser(name, bytes).readHeader();
    }

    /** The name given at parse time. */
    public String name() {
        return name;
    }

    public ElfHeader header() {
        return header;
    }

    /** e_type. */
    public ElfType type() {
        return header.type();
    }

    public ElfClass elfClass() {
        return header.elfClass();
    }

    public ElfData data() {
        return header.data();
    }

    public Machine machine() {
        return header.machine();
    }

    /** The file size in bytes. */
    public long size() {
        return image.remaining();
    }

    /**
     * Checks that this is a relocatable object (ET_REL), the only kind the link engine takes.
     * Called by the engine before it plans a link; changes nothing.
     *
     * @throws MalformedElfException (check TYPE) for any other e_type
     */
    public void requireRelocatable() {
        if (!type().equals(ElfType.ET_REL)) {
            throw new MalformedElfException(Location.ofFile(name), ElfCheck.TYPE,
                    "not a relocatable object: e_type is " + type());
        }
    }

    /** All sections in index order, section 0 included; the count honours extended numbering; empty without section headers. */
    public List<Section> sections() {
        return sections;
    }

    /** The section at {@code index}. */
    public Section section(int index) {
        return sections.get(index);
    }

    /** The first section called {@code name}. */
    public Optional<Section> section(String sectionName) {
        return sections.stream().filter(s -> s.name().equals(sectionName)).findFirst();
    }

    /** The program headers in table order (PN_XNUM honoured); empty for most relocatable objects. */
    public List<Segment> segments() {
        return segments;
    }

    /** The program interpreter PT_INTERP names (its bytes up to the first NUL), if there is a PT_INTERP. */
    public Optional<String> interpreter() {
        return segments.stream().filter(s -> s.type().equals(SegmentType.PT_INTERP)).findFirst().map(s -> {
            ByteBuffer b = s.bytes();
            int end = 0;
            while (end < b.limit() && b.get(end) != 0) {
                end++;
            }
            byte[] name = new byte[end];
            b.get(0, name);
            return new String(name, java.nio.charset.StandardCharsets.UTF_8);
        });
    }

    /** The SHT_SYMTAB section, if the file has one. */
    public Optional<Section> symbolTable() {
        return symbolTable;
    }

    /** The entries of the SHT_SYMTAB, in index order (entry 0 included), decoded on access; empty without one. */
    public List<Symbol> symbols() {
        return symbols;
    }

    /** The (first) SHT_DYNSYM section, if the file has one. */
    public Optional<Section> dynamicSymbolTable() {
        return dynamicSymbolTable;
    }

    /**
     * The entries of the SHT_DYNSYM, in index order (entry 0 included), decoded on access; in a
     * file without section headers, the entries PT_DYNAMIC's DT_SYMTAB holds, as many as DT_HASH
     * or DT_GNU_HASH count (checked when the file is parsed). Empty without either.
     */
    public List<Symbol> dynamicSymbols() {
        return dynamicSymbols;
    }

    /**
     * The version dynamic symbol {@code index} is bound to (SHT_GNU_versym with verdef/verneed,
     * or DT_VERSYM, DT_VERDEF and DT_VERNEED in a file without section headers); empty for
     * VER_NDX_LOCAL/GLOBAL or without version tables. Reads the version tables on each call.
     *
     * @throws MalformedElfException (DYNAMIC, SECTION_LINK, STRTAB_TERMINATION) for a versym
     *     table of another size than the dynamic symbols, or malformed version records
     */
    public Optional<SymbolVersion> symbolVersion(int index) {
        return symbolVersions().of(index, !dynamicSymbols.get(index).isUndefined());
    }

    /**
     * Every dynamic symbol's version, in index order; reads the version tables once.
     *
     * @throws MalformedElfException (DYNAMIC, SECTION_LINK, STRTAB_TERMINATION) as
     *     {@link #symbolVersion(int)}
     */
    public List<Optional<SymbolVersion>> dynamicSymbolVersions() {
        SymbolVersions v = symbolVersions();
        List<Optional<SymbolVersion>> out = new ArrayList<>(dynamicSymbols.size());
        for (int i = 0; i < dynamicSymbols.size(); i++) {
            out.add(v.of(i, !dynamicSymbols.get(i).isUndefined()));
        }
        return out;
    }

    private SymbolVersions symbolVersions() {
        return SymbolVersions.read(this);
    }

    /** Every SHT_REL and SHT_RELA section, in section order (dynamic ones of linked files included). */
    public List<RelocationSection> relocationSections() {
        return relocationSections;
    }

    /** Every SHT_RELR section (packed relative relocations of a linked file), in section order. */
    public List<RelrSection> relrSections() {
        return relrSections;
    }

    /**
     * The dynamic section's entries up to and including the first DT_NULL, as readelf lists
     * them: from the SHT_DYNAMIC section, or from PT_DYNAMIC in a file without section headers.
     * Empty for a file with neither.
     */
    public List<DynamicEntry> dynamic() {
        ByteBuffer b = sections.stream().filter(s -> s.type().equals(SectionType.SHT_DYNAMIC)).findFirst()
                .map(Section::fileBytes)
                .or(() -> sections.isEmpty() ? segments.stream().filter(s -> s.type().equals(SegmentType.PT_DYNAMIC))
                        .findFirst().map(Segment::bytes) : Optional.empty())
                .orElse(null);
        return b == null ? List.of() : DynamicEntries.read(b, elfClass());
    }

    /**
     * The notes, as readelf finds them: those of every SHT_NOTE section, or, in a file without
     * section headers, those of every PT_NOTE segment. Read on each call.
     *
     * @throws MalformedElfException (NOTE) when a note runs past its section or segment, or the
     *     alignment is not one notes have (4 or 8)
     */
    public List<Note> notes() {
        List<Note> out = new ArrayList<>();
        if (!sections.isEmpty()) {
            for (Section s : sections) {
                if (s.type().equals(SectionType.SHT_NOTE) && s.header().hasFileBytes()) {
                    out.addAll(Notes.read(Location.ofSection(name, s.index(), s.name()), "sh_addralign", s.bytes(),
                            s.header().offset(), s.alignment()));
                }
            }
        } else {
            for (Segment s : segments) {
                if (s.type().equals(SegmentType.PT_NOTE)) {
                    out.addAll(Notes.read(Location.ofSegment(name, s.index()), "p_align", s.bytes(), s.header().offset(),
                            s.header().align()));
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * Checks that this object is for {@code machine} with the given class and byte order, as
     * Linux's {@code elf_check_arch()} does for the running kernel.
     *
     * @throws MalformedElfException (check MACHINE) on a mismatch
     */
    public void requireTarget(Machine wanted, ElfClass wantedClass, ElfData wantedData) {
        if (!machine().equals(wanted) || elfClass() != wantedClass || data() != wantedData) {
            throw new MalformedElfException(Location.ofFile(name), ElfCheck.MACHINE,
                    "e_machine " + machine() + ", EI_CLASS " + elfClass() + ", EI_DATA " + data() + ": expected "
                            + wanted + " " + wantedClass + " " + wantedData);
        }
    }
}
