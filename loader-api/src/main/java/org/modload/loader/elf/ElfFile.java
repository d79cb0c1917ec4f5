package org.modload.loader.elf;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed and validated relocatable ELF object. Immutable; section bytes are views of the buffer
 * given to {@link #parse(String, ByteBuffer)}, which must not be changed afterwards.
 */
public final class ElfFile {
    private final String name;
    private final ElfHeader header;
    private final ByteBuffer image;
    private final List<Section> sections;
    private final Optional<Section> symbolTable;
    private final List<Symbol> symbols;
    private final List<RelocationSection> relocationSections;

    ElfFile(String name, ElfHeader header, ByteBuffer image, List<Section> sections,
            Optional<Section> symbolTable, List<Symbol> symbols, List<RelocationSection> relocationSections) {
        this.name = Objects.requireNonNull(name);
        this.header = header;
        this.image = image;
        this.sections = List.copyOf(sections);
        this.symbolTable = symbolTable;
        this.symbols = List.copyOf(symbols);
        this.relocationSections = List.copyOf(relocationSections);
    }

    /**
     * Parses and validates a relocatable object (ET_REL).
     *
     * @param name the name used in error messages, usually the file name
     * @param bytes the whole file; its position and limit delimit the file; it is not copied, so
     *     the caller must not change it while the result is in use
     * @throws org.modload.loader.diag.MalformedElfException if any structural check fails
     */
    public static ElfFile parse(String name, ByteBuffer bytes) {
        return new ElfParser(name, bytes).parse(true);
    }

    /**
     * Parses and validates an ELF file of any e_type (a linked executable, say) with the same
     * checks as {@link #parse}; for tools and oracles that read linker output. Loaders must use
     * {@link #parse}, which refuses everything but ET_REL.
     *
     * @throws org.modload.loader.diag.MalformedElfException if any structural check fails
     */
    public static ElfFile parseAnyType(String name, ByteBuffer bytes) {
        return new ElfParser(name, bytes).parse(false);
    }

    /**
     * Reads and checks only the ELF header, for a file of any e_type.
     *
     * @throws org.modload.loader.diag.MalformedElfException if the identification or header is bad
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

    /** All sections in index order, section 0 included; the count honours extended numbering. */
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

    /** The SHT_SYMTAB section, if the object has one. */
    public Optional<Section> symbolTable() {
        return symbolTable;
    }

    /** The entries of the SHT_SYMTAB, in index order (entry 0 included); empty without one. */
    public List<Symbol> symbols() {
        return symbols;
    }

    /** Every SHT_REL and SHT_RELA section, in section order. */
    public List<RelocationSection> relocationSections() {
        return relocationSections;
    }

    /**
     * Checks that this object is for {@code machine} with the given class and byte order, as
     * Linux's {@code elf_check_arch()} does for the running kernel.
     *
     * @throws org.modload.loader.diag.MalformedElfException (check MACHINE) on a mismatch
     */
    public void requireTarget(Machine wanted, ElfClass wantedClass, ElfData wantedData) {
        if (!machine().equals(wanted) || elfClass() != wantedClass || data() != wantedData) {
            throw new org.modload.loader.diag.MalformedElfException(
                    org.modload.loader.diag.Location.ofFile(name), org.modload.loader.diag.ElfCheck.MACHINE,
                    "object is " + machine() + " " + elfClass() + " " + data() + ", expected "
                            + wanted + " " + wantedClass + " " + wantedData);
        }
    }
}
