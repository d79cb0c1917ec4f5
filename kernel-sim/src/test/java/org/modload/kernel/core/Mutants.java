package org.modload.kernel.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Corrupted copies of a little-endian ELF relocatable object, one kind of corruption at a time,
 * each with the outcome it must have. The fields are found here by reading the raw headers
 * (offsets from the ELF specification), not through the parser under test, and the expected
 * outcome of each mutant is decided from the specification and Linux's
 * {@code elf_validity_check()}, not from what the loader does:
 * <ul>
 * <li>{@link Expect#REFUSED}: a value no valid object can have (a magic byte, a count past the
 *     file, an index past its table, a string table without its NUL); the load must be refused
 *     with ENOEXEC and a message that names {@link Mutant#field()};
 * <li>{@link Expect#LOADS}: a field the module loader ignores (e_entry, e_flags, EI_OSABI); the
 *     load must succeed and the module pass the same checks as the original;
 * <li>{@link Expect#EITHER}: a value that may or may not make sense (another valid symbol,
 *     another relocation type, a changed byte): refused cleanly or loaded and checked.
 * </ul>
 */
final class Mutants {

    /** The kinds of corruption, each of which must produce mutants. */
    enum Kind {
        ELF_HEADER, SECTION_HEADER, RELOCATION_OFFSET, RELOCATION_SYMBOL, RELOCATION_TYPE, SYMBOL_NAME,
        SYMBOL_SECTION, SYMBOL_VALUE, UNTERMINATED_STRTAB, OVERLAPPING_SECTIONS, TRUNCATION, RANDOM_FLIPS
    }

    enum Expect {
        REFUSED, LOADS, EITHER
    }

    /**
     * One corrupted copy.
     *
     * @param kind the kind of corruption
     * @param field the field changed, as the specification spells it; a REFUSED mutant's message must name it
     *     (or one of several, separated by '|'), empty when the field that notices depends on the value
     * @param what a description for failure messages (section, entry, old and new value)
     * @param bytes the corrupted file
     * @param expect the outcome it must have
     */
    record Mutant(Kind kind, String field, String what, byte[] bytes, Expect expect) {
    }

    private static final int SHT_SYMTAB = 2;
    private static final int SHT_STRTAB = 3;
    private static final int SHT_RELA = 4;
    private static final int SHT_NOBITS = 8;
    private static final int SHT_REL = 9;

    private final byte[] original;
    private final boolean is64;
    private final long shoff;
    private final int shnum;
    private final int shentsize;
    private final int shstrndx;
    private final List<long[]> sections = new ArrayList<>();

    /** Field offsets inside one section header: name, type, flags, addr, offset, size, link, info, align, entsize. */
    private final int[] sh;
    private final int[] shWidth;

    Mutants(byte[] original) {
        this.original = original.clone();
        if (original.length < 52 || original[0] != 0x7f || original[1] != 'E' || original[5] != 1) {
            throw new IllegalArgumentException("not a little-endian ELF file");
        }
        is64 = original[4] == 2;
        shoff = is64 ? read(original, 40, 8) : read(original, 32, 4);
        shentsize = (int) read(original, is64 ? 58 : 46, 2);
        shnum = (int) read(original, is64 ? 60 : 48, 2);
        shstrndx = (int) read(original, is64 ? 62 : 50, 2);
        sh = is64 ? new int[] {0, 4, 8, 16, 24, 32, 40, 44, 48, 56} : new int[] {0, 4, 8, 12, 16, 20, 24, 28, 32, 36};
        shWidth = is64 ? new int[] {4, 4, 8, 8, 8, 8, 4, 4, 8, 8} : new int[] {4, 4, 4, 4, 4, 4, 4, 4, 4, 4};
        for (int i = 0; i < shnum; i++) {
            long[] s = new long[10];
            for (int f = 0; f < 10; f++) {
                s[f] = read(original, headerAt(i) + sh[f], shWidth[f]);
            }
            sections.add(s);
        }
    }

    private static final String[] SH_NAMES = {"sh_name", "sh_type", "sh_flags", "sh_addr", "sh_offset", "sh_size",
        "sh_link", "sh_info", "sh_addralign", "sh_entsize"};
    private static final int NAME = 0;
    private static final int TYPE = 1;
    private static final int OFFSET = 4;
    private static final int SIZE = 5;
    private static final int LINK = 6;
    private static final int INFO = 7;
    private static final int ALIGN = 8;
    private static final int ENTSIZE = 9;

    private int headerAt(int i) {
        return (int) (shoff + (long) i * shentsize);
    }

    /** Where the ELF object ends: its section header table or its last section with bytes, whichever is later. */
    long elfEnd() {
        long end = shoff + (long) shnum * shentsize;
        for (long[] s : sections) {
            if (s[TYPE] != SHT_NOBITS && s[TYPE] != 0) {
                end = Math.max(end, s[OFFSET] + s[SIZE]);
            }
        }
        return end;
    }

    /** Every mutant of {@code kind}; random choices (values, entries) come from {@code random}. */
    List<Mutant> of(Kind kind, SplittableRandom random) {
        List<Mutant> out = new ArrayList<>();
        switch (kind) {
            case ELF_HEADER -> elfHeader(out);
            case SECTION_HEADER -> sectionHeaders(out, random);
            case RELOCATION_OFFSET, RELOCATION_SYMBOL, RELOCATION_TYPE -> relocations(kind, out, random);
            case SYMBOL_NAME, SYMBOL_SECTION, SYMBOL_VALUE -> symbols(kind, out, random);
            case UNTERMINATED_STRTAB -> strtabs(out);
            case OVERLAPPING_SECTIONS -> overlaps(out, random);
            case TRUNCATION -> truncations(out);
            case RANDOM_FLIPS -> flips(out, random, 40);
            default -> throw new IllegalArgumentException(kind.toString());
        }
        return out;
    }

    private void elfHeader(List<Mutant> out) {
        for (int i = 0; i < 4; i++) {
            out.add(set(Kind.ELF_HEADER, "e_ident", "EI_MAG" + i, i, 1, original[i] ^ 0x20, Expect.REFUSED));
        }
        out.add(set(Kind.ELF_HEADER, "EI_CLASS", "EI_CLASS 0", 4, 1, 0, Expect.REFUSED));
        out.add(set(Kind.ELF_HEADER, "EI_CLASS", "EI_CLASS 3", 4, 1, 3, Expect.REFUSED));
        out.add(set(Kind.ELF_HEADER, "EI_DATA", "EI_DATA 0", 5, 1, 0, Expect.REFUSED));
        out.add(set(Kind.ELF_HEADER, "EI_DATA", "EI_DATA 3", 5, 1, 3, Expect.REFUSED));
        out.add(set(Kind.ELF_HEADER, "EI_VERSION", "EI_VERSION 0", 6, 1, 0, Expect.REFUSED));
        out.add(set(Kind.ELF_HEADER, "EI_VERSION", "EI_VERSION 2", 6, 1, 2, Expect.REFUSED));
        // The other class reads every later field at the wrong offset: some check must stop it.
        out.add(set(Kind.ELF_HEADER, "", "EI_CLASS swapped", 4, 1, is64 ? 1 : 2, Expect.EITHER));
        out.add(set(Kind.ELF_HEADER, "", "EI_DATA big-endian", 5, 1, 2, Expect.EITHER));
        // Linux's loader never looks at these.
        out.add(set(Kind.ELF_HEADER, "EI_OSABI", "EI_OSABI 97", 7, 1, 97, Expect.LOADS));
        out.add(set(Kind.ELF_HEADER, "EI_ABIVERSION", "EI_ABIVERSION 5", 8, 1, 5, Expect.LOADS));
        out.add(set(Kind.ELF_HEADER, "e_entry", "e_entry 0x1234", 24, is64 ? 8 : 4, 0x1234, Expect.LOADS));
        out.add(set(Kind.ELF_HEADER, "e_flags", "e_flags 0x5", is64 ? 48 : 36, 4, 5, Expect.LOADS));
        for (long type : new long[] {0, 2, 3, 4, 0xffff}) {
            out.add(set(Kind.ELF_HEADER, "e_type", "e_type " + type, 16, 2, type, Expect.REFUSED));
        }
        long machine = read(original, 18, 2);
        for (long m : new long[] {0, machine == 62 ? 3 : 62, 50, 0xffff}) {
            out.add(set(Kind.ELF_HEADER, "e_machine", "e_machine " + m, 18, 2, m, Expect.REFUSED));
        }
        out.add(set(Kind.ELF_HEADER, "e_version", "e_version 0", 20, 4, 0, Expect.REFUSED));
        out.add(set(Kind.ELF_HEADER, "e_version", "e_version 2", 20, 4, 2, Expect.REFUSED));
        int shoffAt = is64 ? 40 : 32;
        int w = is64 ? 8 : 4;
        for (long v : new long[] {0, original.length, original.length - 1, shoff + 1, mask(w), mask(w) - 0x3f}) {
            Expect e = v == shoff + 1 ? Expect.EITHER : Expect.REFUSED;
            out.add(set(Kind.ELF_HEADER, "e_shoff", "e_shoff 0x" + Long.toHexString(v), shoffAt, w, v, e));
        }
        int ehsizeAt = is64 ? 52 : 40;
        out.add(set(Kind.ELF_HEADER, "e_ehsize", "e_ehsize 0", ehsizeAt, 2, 0, Expect.REFUSED));
        out.add(set(Kind.ELF_HEADER, "e_ehsize", "e_ehsize +1", ehsizeAt, 2, is64 ? 65 : 53, Expect.REFUSED));
        int shentAt = is64 ? 58 : 46;
        out.add(set(Kind.ELF_HEADER, "e_shentsize", "e_shentsize 0", shentAt, 2, 0, Expect.REFUSED));
        out.add(set(Kind.ELF_HEADER, "e_shentsize", "e_shentsize +8", shentAt, 2, shentsize + 8, Expect.REFUSED));
        int shnumAt = is64 ? 60 : 48;
        // e_shnum 0 asks for extended numbering; section 0's sh_size is 0 in a valid object.
        out.add(set(Kind.ELF_HEADER, "e_shnum", "e_shnum 0", shnumAt, 2, 0, Expect.REFUSED));
        out.add(set(Kind.ELF_HEADER, "e_shnum|section header table", "e_shnum 0xffff", shnumAt, 2, 0xffff, Expect.REFUSED));
        out.add(set(Kind.ELF_HEADER, "", "e_shnum 1", shnumAt, 2, 1, Expect.EITHER));
        out.add(set(Kind.ELF_HEADER, "", "e_shnum -1", shnumAt, 2, shnum - 1, Expect.EITHER));
        int strndxAt = is64 ? 62 : 50;
        out.add(set(Kind.ELF_HEADER, "e_shstrndx", "e_shstrndx 0", strndxAt, 2, 0, Expect.REFUSED));
        out.add(set(Kind.ELF_HEADER, "e_shstrndx", "e_shstrndx e_shnum", strndxAt, 2, shnum, Expect.REFUSED));
        for (int i = 1; i < shnum; i++) {
            if (sections.get(i)[TYPE] == SHT_SYMTAB) {
                out.add(set(Kind.ELF_HEADER, "e_shstrndx", "e_shstrndx -> SHT_SYMTAB", strndxAt, 2, i, Expect.REFUSED));
            }
        }
        int phnumAt = is64 ? 56 : 44;
        out.add(set(Kind.ELF_HEADER, "", "e_phnum 3", phnumAt, 2, 3, Expect.EITHER));
    }

    private void sectionHeaders(List<Mutant> out, SplittableRandom random) {
        for (int i = 1; i < shnum; i++) {
            long[] s = sections.get(i);
            int at = headerAt(i);
            String sec = "section " + i + " ";
            boolean hasBytes = s[TYPE] != SHT_NOBITS && s[SIZE] != 0;
            boolean table = s[TYPE] == SHT_SYMTAB || s[TYPE] == SHT_REL || s[TYPE] == SHT_RELA;
            out.add(set(Kind.SECTION_HEADER, "sh_name", sec + "sh_name past .shstrtab", at + sh[NAME], 4,
                    sections.get(shstrndx)[SIZE] + random.nextInt(64), Expect.REFUSED));
            out.add(set(Kind.SECTION_HEADER, "", sec + "sh_name random", at + sh[NAME], 4,
                    random.nextLong(Math.max(1, sections.get(shstrndx)[SIZE])), Expect.EITHER));
            out.add(set(Kind.SECTION_HEADER, "", sec + "sh_type random", at + sh[TYPE], 4, random.nextInt(20), Expect.EITHER));
            out.add(set(Kind.SECTION_HEADER, "", sec + "sh_flags random", at + sh[2], shWidth[2], random.nextLong() & mask(shWidth[2]),
                    Expect.EITHER));
            out.add(set(Kind.SECTION_HEADER, "", sec + "sh_addr", at + sh[3], shWidth[3], 0x1000, Expect.EITHER));
            if (hasBytes) {
                out.add(set(Kind.SECTION_HEADER, "sh_offset", sec + "sh_offset at the end", at + sh[OFFSET], shWidth[OFFSET],
                        original.length - s[SIZE] + 1 + random.nextInt(16), Expect.REFUSED));
                out.add(set(Kind.SECTION_HEADER, "sh_offset", sec + "sh_offset wraps", at + sh[OFFSET], shWidth[OFFSET],
                        mask(shWidth[OFFSET]) - random.nextInt(16), Expect.REFUSED));
                out.add(set(Kind.SECTION_HEADER, "sh_size", sec + "sh_size past the file", at + sh[SIZE], shWidth[SIZE],
                        original.length - s[OFFSET] + 1 + random.nextInt(4096), Expect.REFUSED));
                out.add(set(Kind.SECTION_HEADER, "sh_size", sec + "sh_size huge", at + sh[SIZE], shWidth[SIZE],
                        mask(shWidth[SIZE]) - random.nextInt(16), Expect.REFUSED));
            } else {
                // A NOBITS section asks for memory, not file bytes: a huge one is refused (ENOMEM or ENOEXEC) or fits.
                out.add(set(Kind.SECTION_HEADER, "", sec + "sh_size huge NOBITS", at + sh[SIZE], shWidth[SIZE],
                        mask(shWidth[SIZE]) >>> random.nextInt(8), Expect.EITHER));
            }
            out.add(set(Kind.SECTION_HEADER, "", sec + "sh_size -1", at + sh[SIZE], shWidth[SIZE], Math.max(0, s[SIZE] - 1),
                    Expect.EITHER));
            if (s[TYPE] == SHT_SYMTAB || s[TYPE] == SHT_REL || s[TYPE] == SHT_RELA) {
                out.add(set(Kind.SECTION_HEADER, "sh_link", sec + "sh_link past the table", at + sh[LINK], 4,
                        shnum + random.nextInt(1000), Expect.REFUSED));
                out.add(set(Kind.SECTION_HEADER, "sh_entsize", sec + "sh_entsize +1", at + sh[ENTSIZE], shWidth[ENTSIZE],
                        s[ENTSIZE] + 1, Expect.REFUSED));
            } else {
                out.add(set(Kind.SECTION_HEADER, "", sec + "sh_link random", at + sh[LINK], 4, random.nextInt(shnum + 3),
                        Expect.EITHER));
                out.add(set(Kind.SECTION_HEADER, "", sec + "sh_entsize random", at + sh[ENTSIZE], shWidth[ENTSIZE],
                        random.nextInt(64), Expect.EITHER));
            }
            if (s[TYPE] == SHT_REL || s[TYPE] == SHT_RELA) {
                out.add(set(Kind.SECTION_HEADER, "sh_info", sec + "sh_info past the table", at + sh[INFO], 4,
                        shnum + random.nextInt(1000), Expect.REFUSED));
            } else {
                out.add(set(Kind.SECTION_HEADER, "", sec + "sh_info random", at + sh[INFO], 4, random.nextInt(shnum + 3),
                        Expect.EITHER));
            }
            out.add(set(Kind.SECTION_HEADER, "sh_addralign", sec + "sh_addralign 3", at + sh[ALIGN], shWidth[ALIGN],
                    3 + 2L * random.nextInt(100), Expect.REFUSED));
            out.add(set(Kind.SECTION_HEADER, "", sec + "sh_addralign 2^28", at + sh[ALIGN], shWidth[ALIGN], 1L << 28,
                    Expect.EITHER));
            if (table && !hasBytes) {
                throw new IllegalStateException("a table without bytes in the original");
            }
        }
    }

    private void relocations(Kind kind, List<Mutant> out, SplittableRandom random) {
        int entry = is64 ? 24 : 8;
        int w = is64 ? 8 : 4;
        for (int i = 1; i < shnum; i++) {
            long[] s = sections.get(i);
            if (s[TYPE] != SHT_REL && s[TYPE] != SHT_RELA || s[SIZE] < entry) {
                continue;
            }
            long[] target = sections.get((int) s[INFO]);
            long symbols = sections.get((int) s[LINK])[SIZE] / (is64 ? 24 : 16);
            int count = (int) (s[SIZE] / entry);
            for (int pick = 0; pick < Math.min(3, count); pick++) {
                int r = pick == 0 ? 0 : random.nextInt(count);
                int at = (int) (s[OFFSET] + (long) r * entry);
                String where = "section " + i + " relocation " + r + " ";
                long info = read(original, at + w, w);
                long sym = is64 ? info >>> 32 : info >>> 8;
                long type = is64 ? info & 0xffffffffL : info & 0xff;
                switch (kind) {
                    case RELOCATION_OFFSET -> {
                        out.add(set(kind, "r_offset", where + "r_offset = target size", at, w, target[SIZE], Expect.REFUSED));
                        out.add(set(kind, "r_offset", where + "r_offset huge", at, w, mask(w) - random.nextInt(8), Expect.REFUSED));
                        out.add(set(kind, "", where + "r_offset inside", at, w, random.nextLong(Math.max(1, target[SIZE])),
                                Expect.EITHER));
                    }
                    case RELOCATION_SYMBOL -> {
                        out.add(set(kind, "symbol index", where + "r_sym = symbol count", at + w, w, info(symbols, type),
                                Expect.REFUSED));
                        out.add(set(kind, "symbol index", where + "r_sym huge", at + w, w, info(is64 ? 0xffffffL : 0xffffffL, type),
                                Expect.REFUSED));
                        out.add(set(kind, "", where + "r_sym random", at + w, w, info(random.nextLong(symbols), type), Expect.EITHER));
                    }
                    case RELOCATION_TYPE -> {
                        // 200 and 255 are no relocation type of i386, x86_64 or ia64.
                        out.add(set(kind, "relocation type", where + "type 200", at + w, w, info(sym, 200), Expect.REFUSED));
                        out.add(set(kind, "relocation type", where + "type 255", at + w, w, info(sym, 255), Expect.REFUSED));
                        out.add(set(kind, "", where + "type random", at + w, w, info(sym, random.nextInt(48)), Expect.EITHER));
                    }
                    default -> throw new IllegalArgumentException(kind.toString());
                }
            }
        }
    }

    private long info(long sym, long type) {
        return is64 ? sym << 32 | type : (sym << 8 | type) & 0xffffffffL;
    }

    private void symbols(Kind kind, List<Mutant> out, SplittableRandom random) {
        int entry = is64 ? 24 : 16;
        for (int i = 1; i < shnum; i++) {
            long[] s = sections.get(i);
            if (s[TYPE] != SHT_SYMTAB) {
                continue;
            }
            long strSize = sections.get((int) s[LINK])[SIZE];
            int count = (int) (s[SIZE] / entry);
            for (int pick = 0; pick < Math.min(6, count - 1); pick++) {
                int k = 1 + random.nextInt(count - 1);
                int at = (int) (s[OFFSET] + (long) k * entry);
                String where = "symbol " + k + " ";
                int shndxAt = at + (is64 ? 6 : 14);
                int valueAt = at + (is64 ? 8 : 4);
                int w = is64 ? 8 : 4;
                switch (kind) {
                    case SYMBOL_NAME -> {
                        out.add(set(kind, "st_name", where + "st_name = strtab size", at, 4, strSize, Expect.REFUSED));
                        out.add(set(kind, "st_name", where + "st_name huge", at, 4, 0xffffffffL - random.nextInt(8), Expect.REFUSED));
                        out.add(set(kind, "", where + "st_name random", at, 4, random.nextLong(strSize), Expect.EITHER));
                    }
                    case SYMBOL_SECTION -> {
                        out.add(set(kind, "st_shndx", where + "st_shndx = e_shnum", shndxAt, 2, shnum, Expect.REFUSED));
                        out.add(set(kind, "st_shndx", where + "st_shndx 0xfeff", shndxAt, 2, 0xfeff, Expect.REFUSED));
                        out.add(set(kind, "", where + "st_shndx random", shndxAt, 2, random.nextInt(shnum), Expect.EITHER));
                        out.add(set(kind, "", where + "st_shndx SHN_ABS", shndxAt, 2, 0xfff1, Expect.EITHER));
                    }
                    case SYMBOL_VALUE -> {
                        out.add(set(kind, "", where + "st_value random", valueAt, w, random.nextLong() & mask(w), Expect.EITHER));
                        out.add(set(kind, "", where + "st_value +0x10", valueAt, w, read(original, valueAt, w) + 0x10,
                                Expect.EITHER));
                    }
                    default -> throw new IllegalArgumentException(kind.toString());
                }
            }
        }
    }

    private void strtabs(List<Mutant> out) {
        for (int i = 1; i < shnum; i++) {
            long[] s = sections.get(i);
            if (s[TYPE] != SHT_STRTAB || s[SIZE] == 0) {
                continue;
            }
            byte[] b = original.clone();
            b[(int) (s[OFFSET] + s[SIZE] - 1)] = 'x';
            out.add(new Mutant(Kind.UNTERMINATED_STRTAB, "NUL-terminated", "section " + i + " last byte 'x'", b,
                    Expect.REFUSED));
            // One byte shorter still ends in a NUL only if the table's last string is empty.
            out.add(set(Kind.UNTERMINATED_STRTAB, "", "section " + i + " sh_size -1", headerAt(i) + sh[SIZE], shWidth[SIZE],
                    s[SIZE] - 1, Expect.EITHER));
        }
    }

    private void overlaps(List<Mutant> out, SplittableRandom random) {
        List<Integer> withBytes = new ArrayList<>();
        for (int i = 1; i < shnum; i++) {
            long[] s = sections.get(i);
            if (s[TYPE] != SHT_NOBITS && s[SIZE] != 0) {
                withBytes.add(i);
            }
        }
        for (int i : withBytes) {
            long[] s = sections.get(i);
            int j = withBytes.get(random.nextInt(withBytes.size()));
            long other = sections.get(j)[OFFSET] + random.nextInt(8);
            if (j != i && other + s[SIZE] <= original.length) {
                // Linux checks bounds, not overlap: two sections over one byte range may load.
                out.add(set(Kind.OVERLAPPING_SECTIONS, "", "section " + i + " over section " + j, headerAt(i) + sh[OFFSET],
                        shWidth[OFFSET], other, Expect.EITHER));
            }
            if (shoff + s[SIZE] <= original.length) {
                out.add(set(Kind.OVERLAPPING_SECTIONS, "", "section " + i + " over the section header table",
                        headerAt(i) + sh[OFFSET], shWidth[OFFSET], shoff, Expect.EITHER));
            }
            if (s[SIZE] <= original.length) {
                out.add(set(Kind.OVERLAPPING_SECTIONS, "", "section " + i + " over the ELF header", headerAt(i) + sh[OFFSET],
                        shWidth[OFFSET], 0, Expect.EITHER));
            }
        }
    }

    private void truncations(List<Mutant> out) {
        java.util.TreeSet<Long> cuts = new java.util.TreeSet<>();
        long end = elfEnd();
        for (long c : new long[] {0, 1, 15, 16, is64 ? 63 : 51, is64 ? 64 : 52, shoff, shoff + 1, end - 1}) {
            cuts.add(c);
        }
        for (int i = 1; i < shnum; i++) {
            long[] s = sections.get(i);
            cuts.add(headerAt(i) + 0L);
            if (s[TYPE] != SHT_NOBITS && s[SIZE] != 0) {
                cuts.add(s[OFFSET]);
                cuts.add(s[OFFSET] + 1);
                cuts.add(s[OFFSET] + s[SIZE] - 1);
                cuts.add(s[OFFSET] + s[SIZE]);
            }
        }
        for (long c : cuts) {
            if (c >= 0 && c < end) {
                byte[] b = java.util.Arrays.copyOf(original, (int) c);
                // The field that notices depends on where the cut is: the header, e_shoff, an sh_offset.
                out.add(new Mutant(Kind.TRUNCATION, "", "cut at 0x" + Long.toHexString(c), b, Expect.REFUSED));
            }
        }
    }

    private void flips(List<Mutant> out, SplittableRandom random, int count) {
        for (int n = 0; n < count; n++) {
            byte[] b = original.clone();
            int flips = 1 + random.nextInt(8);
            StringBuilder what = new StringBuilder("bytes");
            for (int i = 0; i < flips; i++) {
                int at = random.nextInt(b.length);
                b[at] = (byte) random.nextInt(256);
                what.append(" 0x").append(Integer.toHexString(at));
            }
            out.add(new Mutant(Kind.RANDOM_FLIPS, "", what.toString(), b, Expect.EITHER));
        }
    }

    private Mutant set(Kind kind, String field, String what, int at, int width, long value, Expect expect) {
        byte[] b = original.clone();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        switch (width) {
            case 1 -> buf.put(at, (byte) value);
            case 2 -> buf.putShort(at, (short) value);
            case 4 -> buf.putInt(at, (int) value);
            case 8 -> buf.putLong(at, value);
            default -> throw new IllegalArgumentException("width " + width);
        }
        return new Mutant(kind, field, what, b, expect);
    }

    private static long mask(int width) {
        return width == 8 ? -1L : (1L << (8 * width)) - 1;
    }

    private static long read(byte[] b, int at, int width) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        return switch (width) {
            case 1 -> buf.get(at) & 0xffL;
            case 2 -> buf.getShort(at) & 0xffffL;
            case 4 -> buf.getInt(at) & 0xffffffffL;
            case 8 -> buf.getLong(at);
            default -> throw new IllegalArgumentException("width " + width);
        };
    }
}
