package org.modload.loader.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.modload.loader.diag.ElfCheck;
import org.modload.loader.diag.MalformedElfException;

/**
 * One malformed-input row per structural check: a committed fixture (assembled by GNU as) with
 * one field broken, the check that must fire, its located fields and its exact message. Offsets
 * and the values in the messages come from the fixtures' {@code readelf -a -W} dumps.
 */
class ElfValidationTest {
    // x86_64-basic.o: 0x520 bytes, e_shoff 0x260, 11 section headers of 0x40 bytes.
    private static final String X = "x86_64-basic.o";
    // i386-basic.o: 0x28c bytes, e_shoff 0x124, 9 section headers of 0x28 bytes.
    private static final String I = "i386-basic.o";

    private static int sh64(int index, int field) {
        return 0x260 + index * 0x40 + field;
    }

    private static int sh32(int index, int field) {
        return 0x124 + index * 0x28 + field;
    }

    // Elf64_Shdr field offsets.
    private static final int NAME = 0;
    private static final int TYPE = 4;
    private static final int OFFSET = 24;
    private static final int SIZE = 32;
    private static final int LINK = 40;
    private static final int INFO = 44;
    private static final int ALIGN = 48;
    private static final int ENTSIZE = 56;
    // .symtab of x86_64-basic.o at 0x80, entries of 0x18; .rela.text at 0x170.
    private static final int SYM3 = 0x80 + 3 * 0x18;
    private static final int RELA_TEXT0 = 0x170;

    private static Arguments row(String what, String fixture, Function<Fixtures.Patch, byte[]> broken,
            ElfCheck check, int sectionIndex, String message) {
        return Arguments.of(what, fixture, broken, check, sectionIndex, message);
    }

    private static Function<Fixtures.Patch, byte[]> p(Function<Fixtures.Patch, Fixtures.Patch> f) {
        return patch -> f.apply(patch).b;
    }

    static Stream<Arguments> rows() {
        return Stream.of(
            row("shorter than e_ident", X, p -> p.truncated(10), ElfCheck.HEADER_TRUNCATED, -1,
                "x.o: file size 0xa is smaller than e_ident (0x10 bytes)"),
            row("shorter than the header", X, p -> p.truncated(0x28), ElfCheck.HEADER_TRUNCATED, -1,
                "x.o: file size 0x28 is smaller than the ELFCLASS64 header (0x40 bytes)"),
            row("bad magic", X, p(p -> p.u8(1, 'X')), ElfCheck.MAGIC, -1,
                "x.o: not an ELF file: e_ident starts 7f 58 4c 46, not 7f 45 4c 46"),
            row("bad class", X, p(p -> p.u8(4, 3)), ElfCheck.CLASS, -1, "x.o: invalid EI_CLASS 3"),
            row("bad data", X, p(p -> p.u8(5, 0)), ElfCheck.DATA, -1, "x.o: invalid EI_DATA 0"),
            row("bad EI_VERSION", X, p(p -> p.u8(6, 2)), ElfCheck.VERSION, -1,
                "x.o: invalid EI_VERSION 2 (expected 1)"),
            row("bad e_version", X, p(p -> p.u32(20, 2)), ElfCheck.VERSION, -1,
                "x.o: invalid e_version 2 (expected 1)"),
            row("bad e_ehsize", X, p(p -> p.u16(52, 0x38)), ElfCheck.HEADER_SIZE, -1,
                "x.o: e_ehsize 0x38 is not 0x40 (the ELFCLASS64 header size)"),
            row("bad e_ehsize (32-bit)", I, p(p -> p.u16(40, 0x40)), ElfCheck.HEADER_SIZE, -1,
                "x.o: e_ehsize 0x40 is not 0x34 (the ELFCLASS32 header size)"),
            row("bad e_shentsize", X, p(p -> p.u16(58, 0x28)), ElfCheck.SECTION_HEADER_SIZE, -1,
                "x.o: e_shentsize 0x28 is not 0x40 (the ELFCLASS64 section header size)"),
            row("no section table", X, p(p -> p.u64(40, 0)), ElfCheck.SECTION_TABLE_BOUNDS, -1,
                "x.o: no section header table (e_shoff 0)"),
            row("e_shoff past the end", X, p(p -> p.u64(40, 0x10000)), ElfCheck.SECTION_TABLE_BOUNDS, -1,
                "x.o: e_shoff 0x10000 leaves no room for a section header in file size 0x520"),
            row("e_shnum past the end", X, p(p -> p.u16(60, 12)), ElfCheck.SECTION_TABLE_BOUNDS, -1,
                "x.o: section header table at e_shoff 0x260 with 12 entries of 0x40 bytes exceeds file size 0x520"),
            row("section 0 not SHT_NULL", X, p(p -> p.u32(sh64(0, TYPE), 1)), ElfCheck.SECTION_ZERO, 0,
                "x.o: section header 0: section 0 must be SHT_NULL with zero address and size"
                    + " (type SHT_PROGBITS, addr 0x0, size 0x0)"),
            row("e_shnum 0 without a count", X, p(p -> p.u16(60, 0)), ElfCheck.SECTION_ZERO, -1,
                "x.o: e_shnum is 0 and section 0's sh_size holds no section count"),
            row("e_shstrndx 0", X, p(p -> p.u16(62, 0)), ElfCheck.SHSTRNDX, -1,
                "x.o: no section name table (e_shstrndx 0)"),
            row("e_shstrndx too large", X, p(p -> p.u16(62, 11)), ElfCheck.SHSTRNDX, -1,
                "x.o: e_shstrndx 11 is not below the section count 11"),
            row("e_shstrndx not a string table", X, p(p -> p.u16(62, 1)), ElfCheck.SHSTRNDX, 1,
                "x.o: section header 1: e_shstrndx names a SHT_PROGBITS section, not SHT_STRTAB"),
            row("name table past the end", X, p(p -> p.u64(sh64(10, SIZE), 0x1000)), ElfCheck.SECTION_BOUNDS, 10,
                "x.o: section header 10: sh_offset 0x218 + sh_size 0x1000 exceeds file size 0x520"),
            row("name table not terminated", X, p(p -> p.u8(0x218 + 0x46 - 1, 'x')), ElfCheck.STRTAB_TERMINATION, 10,
                "x.o: section header 10: string table is not NUL-terminated"),
            row("name table empty", X, p(p -> p.u64(sh64(10, SIZE), 0)), ElfCheck.STRTAB_TERMINATION, 10,
                "x.o: section header 10: string table is empty"),
            row("sh_name outside the name table", X, p(p -> p.u32(sh64(3, NAME), 0x46)), ElfCheck.SECTION_NAME, 3,
                "x.o: section header 3: sh_name 0x46 is outside the section name table (size 0x46)"),
            row("section past the end", X, p(p -> p.u64(sh64(3, OFFSET), 0x510)), ElfCheck.SECTION_BOUNDS, 3,
                "x.o: section header 3 (.data): sh_offset 0x510 + sh_size 0x1c exceeds file size 0x520"),
            row("section offset overflows", X, p(p -> p.u64(sh64(3, OFFSET), 0xfffffffffffffff0L)),
                ElfCheck.SECTION_BOUNDS, 3,
                "x.o: section header 3 (.data): sh_offset 0xfffffffffffffff0 + sh_size 0x1c overflows"),
            row("section past the end (32-bit)", I, p(p -> p.u32(sh32(3, 20), 0x1000)), ElfCheck.SECTION_BOUNDS, 3,
                "x.o: section header 3 (.data): sh_offset 0x3f + sh_size 0x1000 exceeds file size 0x28c"),
            row("alignment not a power of two", X, p(p -> p.u64(sh64(3, ALIGN), 3)), ElfCheck.ALIGNMENT, 3,
                "x.o: section header 3 (.data): sh_addralign 0x3 is not a power of two"),
            row("two symbol tables", X, p(p -> p.u32(sh64(9, TYPE), 2)), ElfCheck.SYMTAB_COUNT, 9,
                "x.o: section header 9 (.strtab): second SHT_SYMTAB (the first is section header 8)"),
            row("symtab entsize", X, p(p -> p.u64(sh64(8, ENTSIZE), 0x10)), ElfCheck.ENTSIZE, 8,
                "x.o: section header 8 (.symtab): sh_entsize 0x10 is not 0x18 (the ELFCLASS64 symbol size)"),
            row("symtab size not a multiple", X, p(p -> p.u64(sh64(8, SIZE), 0xc1)), ElfCheck.ENTSIZE, 8,
                "x.o: section header 8 (.symtab): sh_size 0xc1 is not a multiple of sh_entsize 0x18"),
            row("symtab sh_link 0", X, p(p -> p.u32(sh64(8, LINK), 0)), ElfCheck.SECTION_LINK, 8,
                "x.o: section header 8 (.symtab): sh_link 0 does not name a section (section count 11)"),
            row("symtab sh_link too large", X, p(p -> p.u32(sh64(8, LINK), 99)), ElfCheck.SECTION_LINK, 8,
                "x.o: section header 8 (.symtab): sh_link 99 does not name a section (section count 11)"),
            row("symtab sh_link not a string table", X, p(p -> p.u32(sh64(8, LINK), 1)), ElfCheck.SECTION_LINK, 8,
                "x.o: section header 8 (.symtab): sh_link 1 names a SHT_PROGBITS section, not SHT_STRTAB"),
            row("symbol strings not terminated", X, p(p -> p.u8(0x140 + 0x2e - 1, 'x')), ElfCheck.STRTAB_TERMINATION, 9,
                "x.o: section header 9 (.strtab): string table is not NUL-terminated"),
            row("symbol name outside strtab", X, p(p -> p.u32(SYM3, 0x2e)), ElfCheck.SYMBOL_NAME, 8,
                "x.o: section header 8 (.symtab): symbol 3: st_name 0x2e is outside .strtab (size 0x2e)"),
            row("symbol section index", X, p(p -> p.u16(SYM3 + 6, 50)), ElfCheck.SYMBOL_SECTION, 8,
                "x.o: section header 8 (.symtab): symbol 3 (entry): st_shndx 50 is not below the section count 11"),
            row("SHN_XINDEX without a table", X, p(p -> p.u16(SYM3 + 6, 0xffff)), ElfCheck.SYMTAB_SHNDX, 8,
                "x.o: section header 8 (.symtab): symbol 3 (entry) has st_shndx SHN_XINDEX"
                    + " but no SHT_SYMTAB_SHNDX section links here"),
            row("SHT_SYMTAB_SHNDX of the wrong size", X, p(p -> p.u32(sh64(3, TYPE), 18).u32(sh64(3, LINK), 8)),
                ElfCheck.SYMTAB_SHNDX, 3, "x.o: section header 3 (.data): sh_size 0x1c is not 4 * 8 symbols"),
            row("rela entsize", X, p(p -> p.u64(sh64(2, ENTSIZE), 0x10)), ElfCheck.ENTSIZE, 2,
                "x.o: section header 2 (.rela.text): sh_entsize 0x10 is not 0x18 (the ELFCLASS64 Elf_Rela size)"),
            row("rel entsize (32-bit)", I, p(p -> p.u32(sh32(2, 36), 0xc)), ElfCheck.ENTSIZE, 2,
                "x.o: section header 2 (.rel.text): sh_entsize 0xc is not 0x8 (the ELFCLASS32 Elf_Rel size)"),
            row("rela sh_link not a symbol table", X, p(p -> p.u32(sh64(2, LINK), 9)), ElfCheck.SECTION_LINK, 2,
                "x.o: section header 2 (.rela.text): sh_link 9 names a SHT_STRTAB section, not SHT_SYMTAB or SHT_DYNSYM"),
            row("rela section linked to itself", X, p(p -> p.u32(sh64(2, INFO), 2)), ElfCheck.SECTION_LINK, 2,
                "x.o: section header 2 (.rela.text): sh_info 2 names the relocation section itself"),
            row("symtab linked to itself", X, p(p -> p.u32(sh64(8, LINK), 8)), ElfCheck.SECTION_LINK, 8,
                "x.o: section header 8 (.symtab): sh_link 8 names a SHT_SYMTAB section, not SHT_STRTAB"),
            row("absurd section count", X, p(p -> p.u16(60, 0).u64(sh64(0, SIZE), 0x7fffffffffffffffL)),
                ElfCheck.SECTION_TABLE_BOUNDS, -1, "x.o: section header table at e_shoff 0x260 with"
                    + " 9223372036854775807 entries of 0x40 bytes exceeds file size 0x520"),
            row("absurd program header count", X, p(p -> p.u16(56, 0xfffe).u16(54, 0x38)),
                ElfCheck.PROGRAM_TABLE_BOUNDS, -1, "x.o: program header table at e_phoff 0x0 with 65534"
                    + " entries of 0x38 bytes exceeds file size 0x520"),
            row("bad e_phentsize", X, p(p -> p.u16(56, 1).u16(54, 0x20)), ElfCheck.PROGRAM_HEADER_SIZE, -1,
                "x.o: e_phentsize 0x20 is not 0x38 (the ELFCLASS64 program header size)"),
            row("rela sh_info too large", X, p(p -> p.u32(sh64(2, INFO), 11)), ElfCheck.SECTION_LINK, 2,
                "x.o: section header 2 (.rela.text): sh_info 11 does not name a section (section count 11)"),
            row("rela sh_info names NOBITS", X, p(p -> p.u32(sh64(2, INFO), 5)), ElfCheck.SECTION_LINK, 2,
                "x.o: section header 2 (.rela.text): sh_info 5 names a SHT_NOBITS section, which has no bytes to relocate"),
            row("relocation symbol index", X, p(p -> p.u32(RELA_TEXT0 + 12, 8)), ElfCheck.RELOCATION_SYMBOL, 2,
                "x.o: section header 2 (.rela.text): relocation 0 at r_offset 0x1: symbol index 8 is outside"
                    + " the symbol table (8 symbols)"),
            row("relocation offset", X, p(p -> p.u64(RELA_TEXT0, 0x13)), ElfCheck.RELOCATION_OFFSET, 2,
                "x.o: section header 2 (.rela.text): relocation 0: r_offset 0x13 is outside section header 1"
                    + " (.text) of size 0x13"),
            row("relocation offset (32-bit REL)", I, p(p -> p.u32(0xc8, 0xb)), ElfCheck.RELOCATION_OFFSET, 2,
                "x.o: section header 2 (.rel.text): relocation 0: r_offset 0xb is outside section header 1"
                    + " (.text) of size 0xb"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void refusesWithLocatedMessage(String what, String fixture, Function<Fixtures.Patch, byte[]> broken,
            ElfCheck check, int sectionIndex, String message) {
        byte[] bytes = broken.apply(new Fixtures.Patch(fixture));
        MalformedElfException e = assertThrows(MalformedElfException.class,
                () -> ElfFile.parse("x.o", ByteBuffer.wrap(bytes)));
        assertEquals(check, e.check(), "check");
        assertEquals(message, e.getMessage(), "message");
        assertEquals("x.o", e.location().file(), "file");
        assertEquals(sectionIndex, e.location().sectionIndex().orElse(-1), "section index");
        assertEquals(message, "x.o" + (sectionIndex < 0 ? "" : e.location().headerForm().substring(3)) + ": "
                + e.detail(), "message = location + detail");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("machines")
    void refusesAnObjectForAnotherMachine(String what, Machine wanted, ElfClass c, ElfData d, String message) {
        ElfFile f = ElfFile.parse("x.o", ByteBuffer.wrap(Fixtures.bytes(X)));
        MalformedElfException e = assertThrows(MalformedElfException.class, () -> f.requireTarget(wanted, c, d));
        assertEquals(ElfCheck.MACHINE, e.check());
        assertEquals(message, e.getMessage());
    }

    static Stream<Arguments> machines() {
        return Stream.of(
            Arguments.of("machine", Machine.EM_386, ElfClass.ELFCLASS64, ElfData.ELFDATA2LSB,
                "x.o: e_machine EM_X86_64, EI_CLASS ELFCLASS64, EI_DATA ELFDATA2LSB: expected EM_386 ELFCLASS64 ELFDATA2LSB"),
            Arguments.of("class", Machine.EM_X86_64, ElfClass.ELFCLASS32, ElfData.ELFDATA2LSB,
                "x.o: e_machine EM_X86_64, EI_CLASS ELFCLASS64, EI_DATA ELFDATA2LSB: expected EM_X86_64 ELFCLASS32 ELFDATA2LSB"),
            Arguments.of("byte order", Machine.EM_X86_64, ElfClass.ELFCLASS64, ElfData.ELFDATA2MSB,
                "x.o: e_machine EM_X86_64, EI_CLASS ELFCLASS64, EI_DATA ELFDATA2LSB: expected EM_X86_64 ELFCLASS64 ELFDATA2MSB"));
    }
}
