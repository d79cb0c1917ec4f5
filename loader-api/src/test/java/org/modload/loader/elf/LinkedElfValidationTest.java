package org.modload.loader.elf;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.modload.loader.diag.ElfCheck;
import org.modload.loader.diag.MalformedElfException;

/**
 * One malformed-input row per check the reader makes on linked files (issue 19): program headers
 * and segments, PT_PHDR/PT_DYNAMIC placement, notes, symbol versions, the tables a file without
 * section headers reaches through PT_DYNAMIC (DT_SYMTAB, DT_STRTAB, DT_HASH, DT_GNU_HASH,
 * DT_VERSYM...), compression headers, PN_XNUM; and, for every table with a count, a row with an
 * absurd count. Each row breaks one field of a committed fixture (gcc and GNU ld,
 * {@code regen-linked.sh}; the compressed object from {@code regen.sh}), names the read that must
 * refuse it (parsing, or the lazy reads of notes and versions, which parsing must survive), the
 * check, the program header or section the error points at, and the exact message. Offsets and
 * values come from the fixtures' {@code readelf -a -W} dumps; the few that the dumps state only
 * indirectly are derived in a comment beside them.
 */
class LinkedElfValidationTest {
    /**
     * x86_64-dyn.exe: 0x1ec0 bytes; 11 program headers at 0x40 (PHDR, INTERP, LOAD 0x0/0x8a8, LOAD
     * 0xdc0/0x268 memsz 0x270, DYNAMIC 0xdd0/0x1f0, NOTE 0x2c8/0x20 align 8, NOTE 0x2e8/0x44,
     * GNU_PROPERTY, GNU_EH_FRAME 0x7f8/0x24, GNU_STACK, GNU_RELRO); 31 section headers at 0x1700;
     * .note.gnu.property [2], .note.ABI-tag [4] at 0x30c (0x20 bytes), .dynamic [22].
     */
    private static final String EXE = "x86_64-dyn.exe";
    /**
     * x86_64-dyn.so: 0x1d40 bytes; 6 program headers at 0x40 (LOAD 0x0/0x6dc, LOAD 0xdb0, DYNAMIC
     * 0xdc0/0x200 with 28 entries, NOTE, GNU_STACK, GNU_RELRO); 29 section headers at 0x1600;
     * .hash [2] at 0x1b8 (3 buckets, nchain 13), .dynsym [4] at 0x240 (13 symbols), .dynstr [5]
     * at 0x378 (0xac bytes), .gnu.version [6] at 0x424 (0x1a), .gnu.version_d [7] at 0x440 (0x5c,
     * 3 entries), .gnu.version_r [8] at 0x4a0 (0x20, 1 entry: libc.so.6, Cnt 1).
     */
    private static final String SO = "x86_64-dyn.so";
    /**
     * i386-dyn.so: 0x1990 bytes; 6 program headers at 0x34 (LOAD 0x0/0x58c, LOAD 0xee0/0x12c,
     * DYNAMIC 0xee8 ...); .gnu.hash [2] at 0x118 (0x40 bytes, 3 buckets), only DT_GNU_HASH.
     */
    private static final String SO32 = "i386-dyn.so";
    /** compressed-zlib.o: 24 section headers at 0xca0; .debug_info [7]'s Elf64_Chdr at 0x118. */
    private static final String ZLIB = "compressed-zlib.o";

    // Elf64_Phdr and Elf64_Shdr field offsets.
    private static final int P_TYPE = 0;
    private static final int P_OFFSET = 8;
    private static final int P_FILESZ = 32;
    private static final int P_MEMSZ = 40;
    private static final int P_ALIGN = 48;
    private static final int SH_FLAGS = 8;
    private static final int SH_SIZE = 32;
    private static final int SH_LINK = 40;
    private static final int SH_INFO = 44;
    private static final int SH_ALIGN = 48;
    private static final int DT_DEBUG = 21;

    private static int ph(int index, int field) {
        return 0x40 + index * 0x38 + field;
    }

    private static int exeSh(int index, int field) {
        return 0x1700 + index * 0x40 + field;
    }

    private static int soSh(int index, int field) {
        return 0x1600 + index * 0x40 + field;
    }

    private static int zSh(int index, int field) {
        return 0xca0 + index * 0x40 + field;
    }

    /** Entry {@code k} of x86_64-dyn.so's PT_DYNAMIC (0xdc0), in readelf -d's order; +8 is d_val. */
    private static int soDyn(int k) {
        return 0xdc0 + 16 * k;
    }

    // x86_64-dyn.so's dynamic entries, as readelf -d lists them.
    private static final int DYN_HASH = 8;
    private static final int DYN_GNU_HASH = 9;
    private static final int DYN_STRTAB = 10;
    private static final int DYN_SYMTAB = 11;
    private static final int DYN_STRSZ = 12;
    private static final int DYN_SYMENT = 13;
    private static final int DYN_VERDEF = 21;
    private static final int DYN_VERDEFNUM = 22;
    private static final int DYN_VERNEEDNUM = 24;
    private static final int DYN_VERSYM = 25;

    /** The read that must refuse the file; parsing must succeed before a lazy one. */
    enum Read {
        PARSE(f -> f),
        NOTES(f -> f.notes()),
        VERSIONS(f -> f.dynamicSymbolVersions());

        private final Function<ElfFile, Object> read;

        Read(Function<ElfFile, Object> read) {
            this.read = read;
        }
    }

    /** Where the error must point: a program header, a section header, or the file. */
    record At(int segment, int section) {
        static At segment(int i) {
            return new At(i, -1);
        }

        static At section(int i) {
            return new At(-1, i);
        }

        static final At FILE = new At(-1, -1);
    }

    private static Arguments row(String what, String fixture, Function<Fixtures.Patch, Fixtures.Patch> broken,
            Read read, ElfCheck check, At at, String message) {
        return Arguments.of(what, fixture, broken, read, check, at, message);
    }

    static Stream<Arguments> rows() {
        return Stream.of(
            // ---- the program header table and segment bounds (parse) ----
            row("e_phoff leaves no room for the table", EXE, p -> p.u64(32, 0x1eb0), Read.PARSE,
                ElfCheck.PROGRAM_TABLE_BOUNDS, At.FILE,
                "f: program header table at e_phoff 0x1eb0 with 11 entries of 0x38 bytes exceeds file size 0x1ec0"),
            // (0x1ec0 - 0x40) / 0x38 = 139 headers fit.
            row("e_phnum one past what fits", EXE, p -> p.u16(56, 140), Read.PARSE,
                ElfCheck.PROGRAM_TABLE_BOUNDS, At.FILE,
                "f: program header table at e_phoff 0x40 with 140 entries of 0x38 bytes exceeds file size 0x1ec0"),
            row("segment past the end of the file", EXE, p -> p.u64(ph(8, P_OFFSET), 0x1eb0), Read.PARSE,
                ElfCheck.SEGMENT_BOUNDS, At.segment(8),
                "f: program header 8: PT_GNU_EH_FRAME: p_offset 0x1eb0 + p_filesz 0x24 exceeds file size 0x1ec0"),
            row("segment offset overflows", EXE, p -> p.u64(ph(8, P_OFFSET), 0xfffffffffffffff0L), Read.PARSE,
                ElfCheck.SEGMENT_BOUNDS, At.segment(8),
                "f: program header 8: PT_GNU_EH_FRAME: p_offset 0xfffffffffffffff0 + p_filesz 0x24 overflows"),
            row("PT_LOAD's p_filesz past the end", EXE, p -> p.u64(ph(3, P_FILESZ), 0x2000), Read.PARSE,
                ElfCheck.SEGMENT_BOUNDS, At.segment(3),
                "f: program header 3: PT_LOAD: p_offset 0xdc0 + p_filesz 0x2000 exceeds file size 0x1ec0"),
            row("PT_LOAD's p_filesz above p_memsz", EXE, p -> p.u64(ph(3, P_MEMSZ), 0x100), Read.PARSE,
                ElfCheck.SEGMENT_BOUNDS, At.segment(3),
                "f: program header 3: PT_LOAD: p_filesz 0x268 is larger than p_memsz 0x100"),
            row("PT_LOAD past the end (32-bit)", SO32, p -> p.u32(0x34 + 0x20 + 16, 0x1000), Read.PARSE,
                ElfCheck.SEGMENT_BOUNDS, At.segment(1),
                "f: program header 1: PT_LOAD: p_offset 0xee0 + p_filesz 0x1000 exceeds file size 0x1990"),
            row("PT_PHDR after a PT_LOAD", EXE, p -> p.u32(ph(3, P_TYPE), 6), Read.PARSE,
                ElfCheck.SEGMENT_CONTENTS, At.segment(3), "f: program header 3: PT_PHDR must come before every PT_LOAD"),
            row("a second PT_DYNAMIC", EXE, p -> p.u32(ph(8, P_TYPE), 2), Read.PARSE,
                ElfCheck.SEGMENT_CONTENTS, At.segment(8),
                "f: program header 8: a second PT_DYNAMIC (the first is program header 4)"),
            row(".dynamic longer than PT_DYNAMIC", EXE, p -> p.u64(ph(4, P_FILESZ), 0x1e0), Read.PARSE,
                ElfCheck.SEGMENT_CONTENTS, At.section(22), "f: section header 22 (.dynamic): the SHT_DYNAMIC section"
                    + " (sh_offset 0xdd0, sh_size 0x1f0) is not inside PT_DYNAMIC (program header 4, p_offset 0xdd0,"
                    + " p_filesz 0x1e0)"),
            row(".dynamic before PT_DYNAMIC", EXE, p -> p.u64(ph(4, P_OFFSET), 0xde0), Read.PARSE,
                ElfCheck.SEGMENT_CONTENTS, At.section(22), "f: section header 22 (.dynamic): the SHT_DYNAMIC section"
                    + " (sh_offset 0xdd0, sh_size 0x1f0) is not inside PT_DYNAMIC (program header 4, p_offset 0xde0,"
                    + " p_filesz 0x1f0)"),

            // ---- PN_XNUM: e_phnum 0xffff, the count in section 0's sh_info (parse) ----
            row("absurd PN_XNUM count", EXE, p -> p.u16(56, 0xffff).u32(exeSh(0, SH_INFO), 0x7fffffff), Read.PARSE,
                ElfCheck.PROGRAM_TABLE_BOUNDS, At.FILE, "f: program header table at e_phoff 0x40 with 2147483647"
                    + " entries of 0x38 bytes exceeds file size 0x1ec0"),
            row("PN_XNUM count of 2^32 - 1", EXE, p -> p.u16(56, 0xffff).u32(exeSh(0, SH_INFO), 0xffffffffL),
                Read.PARSE, ElfCheck.PROGRAM_TABLE_BOUNDS, At.FILE, "f: program header table at e_phoff 0x40 with"
                    + " 4294967295 entries of 0x38 bytes exceeds file size 0x1ec0"),
            row("PN_XNUM without section 0 is 65535 headers", EXE, p -> p.u16(56, 0xffff).withoutSectionHeaders(),
                Read.PARSE, ElfCheck.PROGRAM_TABLE_BOUNDS, At.FILE, "f: program header table at e_phoff 0x40 with"
                    + " 65535 entries of 0x38 bytes exceeds file size 0x1ec0"),

            // ---- notes (read by notes(), parsing succeeds) ----
            row("notes aligned to 16", EXE, p -> p.u64(exeSh(2, SH_ALIGN), 16), Read.NOTES, ElfCheck.NOTE,
                At.section(2), "f: section header 2 (.note.gnu.property): sh_addralign 0x10 is not an alignment"
                    + " notes have (4 or 8; 0 to 3 read as 4)"),
            row("n_namesz past the note section", EXE, p -> p.u32(0x30c, 0x100), Read.NOTES, ElfCheck.NOTE,
                At.section(4), "f: section header 4 (.note.ABI-tag): note at offset 0x0: n_namesz 0x100 and"
                    + " n_descsz 0x10 run past the end of the notes (size 0x20)"),
            row("n_descsz past the note section", EXE, p -> p.u32(0x310, 0x11), Read.NOTES, ElfCheck.NOTE,
                At.section(4), "f: section header 4 (.note.ABI-tag): note at offset 0x0: n_namesz 0x4 and"
                    + " n_descsz 0x11 run past the end of the notes (size 0x20)"),
            row("absurd n_namesz", EXE, p -> p.u32(0x30c, 0xffffffffL), Read.NOTES, ElfCheck.NOTE,
                At.section(4), "f: section header 4 (.note.ABI-tag): note at offset 0x0: n_namesz 0xffffffff and"
                    + " n_descsz 0x10 run past the end of the notes (size 0x20)"),
            row("absurd n_descsz", EXE, p -> p.u32(0x310, 0xffffffffL), Read.NOTES, ElfCheck.NOTE,
                At.section(4), "f: section header 4 (.note.ABI-tag): note at offset 0x0: n_namesz 0x4 and"
                    + " n_descsz 0xffffffff run past the end of the notes (size 0x20)"),
            row("note header cut short", EXE, p -> p.u64(exeSh(4, SH_SIZE), 0x28), Read.NOTES, ElfCheck.NOTE,
                At.section(4), "f: section header 4 (.note.ABI-tag): note at offset 0x20: only 0x8 bytes left"
                    + " for its 0xc-byte header"),
            row("PT_NOTE aligned to 16 (no section headers)", EXE,
                p -> p.withoutSectionHeaders().u64(ph(6, P_ALIGN), 16), Read.NOTES, ElfCheck.NOTE, At.segment(6),
                "f: program header 6: p_align 0x10 is not an alignment notes have (4 or 8; 0 to 3 read as 4)"),
            // The build-id note leads PT_NOTE 6 (0x2e8, 0x44 bytes); readelf -n: its data size is 0x14.
            row("n_namesz past PT_NOTE (no section headers)", EXE,
                p -> p.withoutSectionHeaders().u32(0x2e8, 0x100), Read.NOTES, ElfCheck.NOTE, At.segment(6),
                "f: program header 6: note at offset 0x0: n_namesz 0x100 and n_descsz 0x14 run past the end of"
                    + " the notes (size 0x44)"),

            // ---- symbol versions (read by dynamicSymbolVersions(), parsing succeeds) ----
            row("versym larger than the dynamic symbols", SO, p -> p.u64(soSh(6, SH_SIZE), 0x1c), Read.VERSIONS,
                ElfCheck.DYNAMIC, At.section(6), "f: section header 6 (.gnu.version): sh_size 0x1c is not 2 * 13"
                    + " dynamic symbols"),
            row("versym smaller than the dynamic symbols", SO, p -> p.u64(soSh(6, SH_SIZE), 0x18), Read.VERSIONS,
                ElfCheck.DYNAMIC, At.section(6), "f: section header 6 (.gnu.version): sh_size 0x18 is not 2 * 13"
                    + " dynamic symbols"),
            row("absurd verdef count", SO, p -> p.u32(soSh(7, SH_INFO), 0xffffffffL), Read.VERSIONS,
                ElfCheck.DYNAMIC, At.section(7), "f: section header 7 (.gnu.version_d): sh_info states 4294967295"
                    + " version definitions but the chain ends after 3"),
            row("verdef count one above the chain", SO, p -> p.u32(soSh(7, SH_INFO), 4), Read.VERSIONS,
                ElfCheck.DYNAMIC, At.section(7), "f: section header 7 (.gnu.version_d): sh_info states 4"
                    + " version definitions but the chain ends after 3"),
            // Elf_Verdef: vd_aux at +12, vd_next at +16.
            row("vd_next past the section", SO, p -> p.u32(0x440 + 16, 0x100), Read.VERSIONS, ElfCheck.DYNAMIC,
                At.section(7), "f: section header 7 (.gnu.version_d): Elf_Verdef at offset 0x100 runs past the"
                    + " section (size 0x5c)"),
            row("vd_aux past the section", SO, p -> p.u32(0x440 + 12, 0x60), Read.VERSIONS, ElfCheck.DYNAMIC,
                At.section(7), "f: section header 7 (.gnu.version_d): Elf_Verdaux at offset 0x60 runs past the"
                    + " section (size 0x5c)"),
            // readelf -V: the second Elf_Verdef is at 0x1c, so the first's one Elf_Verdaux is at 0x14.
            row("version name outside the string table", SO, p -> p.u32(0x440 + 0x14, 0xac), Read.VERSIONS,
                ElfCheck.DYNAMIC, At.section(7), "f: section header 7 (.gnu.version_d): version name offset 0xac"
                    + " is outside the string table (size 0xac)"),
            row("absurd verneed count", SO, p -> p.u32(soSh(8, SH_INFO), 0xffffffffL), Read.VERSIONS,
                ElfCheck.DYNAMIC, At.section(8), "f: section header 8 (.gnu.version_r): sh_info states 4294967295"
                    + " version needs but the chain ends after 1"),
            // Elf_Verneed: vn_cnt at +2, vn_aux at +8.
            row("absurd vn_cnt", SO, p -> p.u16(0x4a0 + 2, 0xffff), Read.VERSIONS, ElfCheck.DYNAMIC, At.section(8),
                "f: section header 8 (.gnu.version_r): Elf_Verneed at offset 0x0 (libc.so.6): vn_cnt 65535 but"
                    + " its Elf_Vernaux chain ends after 1"),
            row("vn_aux past the section", SO, p -> p.u32(0x4a0 + 8, 0x100), Read.VERSIONS, ElfCheck.DYNAMIC,
                At.section(8), "f: section header 8 (.gnu.version_r): Elf_Vernaux at offset 0x100 runs past the"
                    + " section (size 0x20)"),
            row("verneed linked to the symbols", SO, p -> p.u32(soSh(8, SH_LINK), 4), Read.VERSIONS,
                ElfCheck.SECTION_LINK, At.section(8), "f: section header 8 (.gnu.version_r): sh_link 4 does not name"
                    + " a SHT_STRTAB section"),

            // ---- no section headers: the tables PT_DYNAMIC (program header 2) names (parse) ----
            row("absurd DT_HASH nchain", SO, p -> p.withoutSectionHeaders().u32(0x1b8 + 4, 0x7fffffff), Read.PARSE,
                ElfCheck.DYNAMIC, At.segment(2), "f: program header 2: DT_HASH 0x1b8: nbucket 3 and nchain 2147483647"
                    + " (4-byte words) run past the PT_LOAD that holds the table"),
            row("absurd DT_HASH nbucket", SO, p -> p.withoutSectionHeaders().u32(0x1b8, 0xffffffffL), Read.PARSE,
                ElfCheck.DYNAMIC, At.segment(2), "f: program header 2: DT_HASH 0x1b8: nbucket 4294967295 and nchain 13"
                    + " (4-byte words) run past the PT_LOAD that holds the table"),
            row("DT_HASH outside every PT_LOAD", SO, p -> p.withoutSectionHeaders().u64(soDyn(DYN_HASH) + 8, 0x10000),
                Read.PARSE, ElfCheck.DYNAMIC, At.segment(2),
                "f: program header 2: DT_HASH 0x10000 is not inside a PT_LOAD's file image"),
            row("nchain counts symbols past the PT_LOAD", SO, p -> p.withoutSectionHeaders().u32(0x1b8 + 4, 0x100),
                Read.PARSE, ElfCheck.DYNAMIC, At.segment(2), "f: program header 2: DT_SYMTAB 0x240 with 256 symbols"
                    + " (from DT_HASH) runs past the PT_LOAD that holds it"),
            row("DT_SYMTAB outside every PT_LOAD", SO,
                p -> p.withoutSectionHeaders().u64(soDyn(DYN_SYMTAB) + 8, 0x100000), Read.PARSE, ElfCheck.DYNAMIC,
                At.segment(2), "f: program header 2: DT_SYMTAB 0x100000 is not inside a PT_LOAD's file image"),
            row("DT_SYMENT not the symbol size", SO, p -> p.withoutSectionHeaders().u64(soDyn(DYN_SYMENT) + 8, 16),
                Read.PARSE, ElfCheck.DYNAMIC, At.segment(2),
                "f: program header 2: DT_SYMENT 0x10 is not 0x18 (the ELFCLASS64 symbol size)"),
            row("DT_STRSZ past the PT_LOAD", SO, p -> p.withoutSectionHeaders().u64(soDyn(DYN_STRSZ) + 8, 0x10000),
                Read.PARSE, ElfCheck.DYNAMIC, At.segment(2),
                "f: program header 2: DT_STRTAB 0x378 + DT_STRSZ 0x10000 is not inside a PT_LOAD's file image"),
            row("DT_STRTAB's table not NUL-terminated", SO,
                p -> p.withoutSectionHeaders().u64(soDyn(DYN_STRSZ) + 8, 2), Read.PARSE,
                ElfCheck.STRTAB_TERMINATION, At.segment(2),
                "f: program header 2: the string table at DT_STRTAB 0x378 is empty or not NUL-terminated"),
            // Symbol 1's st_name, at .dynsym 0x240 + 0x18.
            row("st_name past DT_STRSZ", SO, p -> p.withoutSectionHeaders().u32(0x258, 0xac), Read.PARSE,
                ElfCheck.SYMBOL_NAME, At.segment(2),
                "f: program header 2: symbol 1: st_name 0xac is outside DT_STRTAB (DT_STRSZ 0xac)"),
            row("DT_SYMTAB without DT_STRTAB", SO, p -> p.withoutSectionHeaders().u64(soDyn(DYN_STRTAB), DT_DEBUG),
                Read.PARSE, ElfCheck.DYNAMIC, At.segment(2), "f: program header 2: DT_SYMTAB without DT_STRTAB"),
            row("DT_STRTAB without DT_STRSZ", SO, p -> p.withoutSectionHeaders().u64(soDyn(DYN_STRSZ), DT_DEBUG),
                Read.PARSE, ElfCheck.DYNAMIC, At.segment(2), "f: program header 2: DT_STRTAB without DT_STRSZ"),
            row("DT_SYMTAB without a hash table", SO, p -> p.withoutSectionHeaders().u64(soDyn(DYN_HASH), DT_DEBUG)
                .u64(soDyn(DYN_GNU_HASH), DT_DEBUG), Read.PARSE, ElfCheck.DYNAMIC, At.segment(2),
                "f: program header 2: DT_SYMTAB without DT_HASH or DT_GNU_HASH: nothing states the symbol count"),
            // i386-dyn.so's .gnu.hash (0x118, 0x40 bytes): 3 buckets (readelf's histogram), symoffset 6 (the
            // first defined .dynsym entry: ld hashes only those), so 7 chain words and 0x40 = 16 + 4 * bloom_size
            // + 4 * 3 + 4 * 7 gives bloom_size 2; buckets at 0x118 + 16 + 8 = 0x130, chains at 0x13c, the
            // first PT_LOAD's file image ends at 0x58c.
            row("absurd DT_GNU_HASH nbuckets", SO32, p -> p.withoutSectionHeaders().u32(0x118, 0x7fffffff),
                Read.PARSE, ElfCheck.DYNAMIC, At.segment(2), "f: program header 2: DT_GNU_HASH 0x118: bloom_size 2"
                    + " and nbuckets 2147483647 run past the PT_LOAD that holds the table"),
            row("absurd DT_GNU_HASH bloom_size", SO32, p -> p.withoutSectionHeaders().u32(0x118 + 8, 0xffffffffL),
                Read.PARSE, ElfCheck.DYNAMIC, At.segment(2), "f: program header 2: DT_GNU_HASH 0x118: bloom_size"
                    + " 4294967295 and nbuckets 3 run past the PT_LOAD that holds the table"),
            row("GNU hash bucket below symoffset", SO32, p -> p.withoutSectionHeaders().u32(0x130, 1), Read.PARSE,
                ElfCheck.DYNAMIC, At.segment(2),
                "f: program header 2: DT_GNU_HASH 0x118: bucket 0 starts at symbol 1, below symoffset 6"),
            row("GNU hash chain without an end", SO32, p -> p.withoutSectionHeaders().u32(0x130, 0x100000),
                Read.PARSE, ElfCheck.DYNAMIC, At.segment(2), "f: program header 2: DT_GNU_HASH 0x118: the chain from"
                    + " symbol 1048576 has no end before the end of its PT_LOAD (0x450 bytes of chains)"),

            // ---- no section headers: versions through DT_VERSYM (read by dynamicSymbolVersions()) ----
            row("DT_VERSYM past its PT_LOAD", SO, p -> p.withoutSectionHeaders().u64(soDyn(DYN_VERSYM) + 8, 0x6d0),
                Read.VERSIONS, ElfCheck.DYNAMIC, At.segment(2),
                "f: program header 2: DT_VERSYM 0x6d0: 2 * 13 dynamic symbols run past the PT_LOAD that holds it"),
            row("DT_VERDEF without DT_VERDEFNUM", SO,
                p -> p.withoutSectionHeaders().u64(soDyn(DYN_VERDEFNUM), DT_DEBUG), Read.VERSIONS, ElfCheck.DYNAMIC,
                At.segment(2), "f: program header 2: DT_VERDEF without DT_VERDEFNUM"),
            row("absurd DT_VERDEFNUM", SO,
                p -> p.withoutSectionHeaders().u64(soDyn(DYN_VERDEFNUM) + 8, 0xffffffffL), Read.VERSIONS,
                ElfCheck.DYNAMIC, At.segment(2), "f: program header 2: DT_VERDEF 0x440: DT_VERDEFNUM states"
                    + " 4294967295 version definitions but the chain ends after 3"),
            row("absurd DT_VERNEEDNUM", SO,
                p -> p.withoutSectionHeaders().u64(soDyn(DYN_VERNEEDNUM) + 8, 0xffffffffL), Read.VERSIONS,
                ElfCheck.DYNAMIC, At.segment(2), "f: program header 2: DT_VERNEED 0x4a0: DT_VERNEEDNUM states"
                    + " 4294967295 version needs but the chain ends after 1"),
            // DT_VERDEF 0x440 to the end of the first PT_LOAD's file image (0x6dc): 0x29c bytes.
            row("vd_next past the PT_LOAD", SO, p -> p.withoutSectionHeaders().u32(0x440 + 16, 0x1000),
                Read.VERSIONS, ElfCheck.DYNAMIC, At.segment(2), "f: program header 2: DT_VERDEF 0x440: Elf_Verdef"
                    + " at offset 0x1000 runs past its PT_LOAD (size 0x29c)"),
            row("DT_VERDEF outside every PT_LOAD", SO,
                p -> p.withoutSectionHeaders().u64(soDyn(DYN_VERDEF) + 8, 0x100000), Read.VERSIONS, ElfCheck.DYNAMIC,
                At.segment(2), "f: program header 2: DT_VERDEF 0x100000 is not inside a PT_LOAD's file image"),

            // ---- compression headers (parse; contents are checked when inflated: CompressedSectionsTest) ----
            row("Elf64_Chdr cut short", ZLIB, p -> p.u64(zSh(7, SH_SIZE), 0x10), Read.PARSE, ElfCheck.COMPRESSION,
                At.section(7), "f: section header 7 (.debug_info): SHF_COMPRESSED section of size 0x10 cannot hold"
                    + " its Elf64_Chdr (0x18 bytes)"),
            row("ch_addralign not a power of two", ZLIB, p -> p.u64(0x118 + 16, 3), Read.PARSE, ElfCheck.ALIGNMENT,
                At.section(7), "f: section header 7 (.debug_info): ch_addralign 0x3 is not a power of two"),
            // .rela.debug_aranges' first addend is 0 (readelf -r), so its bytes read as an Elf64_Chdr with
            // ch_addralign 0 and only the relocation rule can refuse it.
            row("a compressed relocation section", ZLIB, p -> p.u64(zSh(12, SH_FLAGS), 0x840), Read.PARSE,
                ElfCheck.COMPRESSION, At.section(12),
                "f: section header 12 (.rela.debug_aranges): a relocation section cannot be SHF_COMPRESSED"),
            // Symbol 0 is all zeros: a valid Elf64_Chdr.
            row("a compressed symbol table", ZLIB, p -> p.u64(zSh(21, SH_FLAGS), 0x800), Read.PARSE,
                ElfCheck.COMPRESSION, At.section(21), "f: section header 21 (.symtab): a symbol table cannot be"
                    + " SHF_COMPRESSED"),
            // .strtab at 0x6d8: its bytes 16..23 zeroed to read as ch_addralign 0.
            row("a compressed string table", ZLIB, p -> p.u64(zSh(22, SH_FLAGS), 0x800).u64(0x6d8 + 16, 0),
                Read.PARSE, ElfCheck.COMPRESSION, At.section(22), "f: section header 22 (.strtab): a string table"
                    + " of symbols cannot be SHF_COMPRESSED"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void refusesWithLocatedMessage(String what, String fixture, Function<Fixtures.Patch, Fixtures.Patch> broken,
            Read read, ElfCheck check, At at, String message) {
        byte[] bytes = broken.apply(new Fixtures.Patch(fixture)).b;
        MalformedElfException e;
        if (read == Read.PARSE) {
            e = assertThrows(MalformedElfException.class, () -> ElfFile.parse("f", ByteBuffer.wrap(bytes)));
        } else {
            ElfFile f = assertDoesNotThrow(() -> ElfFile.parse("f", ByteBuffer.wrap(bytes)), "parsing reads no "
                    + read);
            e = assertThrows(MalformedElfException.class, () -> read.read.apply(f));
        }
        assertEquals(check, e.check(), "check");
        assertEquals(message, e.getMessage(), "message");
        assertEquals("f", e.location().file(), "file");
        assertEquals(at.segment(), e.location().segmentIndex().orElse(-1), "program header index");
        assertEquals(at.section(), e.location().sectionIndex().orElse(-1), "section header index");
        assertEquals(message, e.location().headerForm() + ": " + e.detail(), "message = location + detail");
        assertEquals(1, message.lines().count(), "one line");
    }

    /** Every fixture reads cleanly as committed, so each row's failure is its own patch's. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void unbrokenFixturesRead(String fixture) {
        ElfFile f = ElfFile.parse("f", ByteBuffer.wrap(Fixtures.bytes(fixture)));
        f.notes();
        f.dynamicSymbolVersions();
        f.dynamic();
        ElfFile stripped = ElfFile.parse("f", ByteBuffer.wrap(new Fixtures.Patch(fixture).withoutSectionHeaders().b));
        stripped.notes();
        stripped.dynamicSymbolVersions();
    }

    static Stream<String> fixtures() {
        return Stream.of(EXE, SO, SO32, "i386-dyn.exe");
    }

    /**
     * A PT_INTERP whose bytes hold no NUL is read, not refused: readelf reads it too (as a
     * string up to white space), and separate debug files keep the header over other bytes. The
     * interpreter is then all p_filesz bytes.
     */
    @Test
    void ptInterpWithoutNulIsRead() {
        // .interp at 0x2a8, 0x1c bytes: "/lib64/ld-linux-x86-64.so.2" and its NUL.
        byte[] bytes = new Fixtures.Patch(EXE).u8(0x2a8 + 0x1b, 'X').b;
        ElfFile f = ElfFile.parse("f", ByteBuffer.wrap(bytes));
        assertEquals(Optional.of("/lib64/ld-linux-x86-64.so.2X"), f.interpreter());
        assertEquals(Optional.of("/lib64/ld-linux-x86-64.so.2"),
                ElfFile.parse("f", ByteBuffer.wrap(Fixtures.bytes(EXE))).interpreter());
    }
}
