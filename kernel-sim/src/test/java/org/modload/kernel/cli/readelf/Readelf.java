package org.modload.kernel.cli.readelf;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.modload.loader.testing.ExternalTools;

/**
 * The oracle: binutils {@code readelf} run on an object, its text parsed into plain records whose
 * names are the spec names {@code modload elf --json} prints ({@code SHT_SYMTAB_SHNDX}, not
 * readelf's {@code SYMTAB SECTION INDICES}). Only readelf's own statements go in: every number is
 * read from its output, never derived from our parser.
 *
 * <p>Formats (binutils 2.40, checked against real output): {@code -W -h}; {@code -W -t} (section
 * details, so flags come as one hex word instead of lossy letters; Off/Size/ES hex, Lk/Inf/Al
 * decimal); {@code -W -s} (size decimal up to 99999, {@code 0x}-hex above; Ndx resolved through
 * SHT_SYMTAB_SHNDX and printed in decimal; a nameless STT_SECTION symbol shows its section's
 * name); {@code -W -r} (Info column holds symbol and type; RELA addends are hex, {@code "+ 4"} /
 * {@code "- 4"} after a symbol, a bare {@code 20} / {@code -20} when the symbol index is 0).
 * Output that does not parse, or whose entry count differs from the count readelf announces,
 * throws {@link IllegalStateException}: a silent parse gap would make agreement vacuous.
 */
final class Readelf {
    private Readelf() {
    }

    record Header(String elfClass, String data, String type, String machine) {
    }

    record SectionRow(int index, String name, String type, BigInteger flags, BigInteger addr,
            BigInteger offset, BigInteger size, BigInteger link, BigInteger info, BigInteger addralign,
            BigInteger entsize) {
    }

    /** One {@code .symtab} row; {@code name} is what readelf displays (see the class comment). */
    record SymbolRow(int index, String name, BigInteger value, BigInteger size, String type, String bind,
            String visibility, BigInteger shndx) {
    }

    /**
     * One relocation; {@code addend} is null for SHT_REL sections. MIPS64's second and third
     * types and special symbol are the bytes of the Info word readelf prints (it reorders a
     * little-endian file's r_info so that the word reads sym, ssym, type3, type2, type).
     */
    record RelocationRow(String section, BigInteger offset, BigInteger type, BigInteger symbol,
            BigInteger addend, BigInteger type2, BigInteger type3, BigInteger ssym) {

        RelocationRow(String section, BigInteger offset, BigInteger type, BigInteger symbol, BigInteger addend) {
            this(section, offset, type, symbol, addend, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO);
        }
    }

    /** The Elf_Chdr readelf -t shows under an SHF_COMPRESSED section: type word, ch_size, ch_addralign. */
    record CompressionRow(int index, String type, BigInteger size, BigInteger addralign) {
    }

    /** One SHT_RELR section: its name, the entry count readelf announces and the addresses it decodes. */
    record RelrRow(String section, BigInteger entries, List<BigInteger> offsets) {
    }

    /** One program header; {@code flags} holds only R, W and E, the bits readelf shows. */
    record SegmentRow(String type, BigInteger offset, BigInteger vaddr, BigInteger paddr, BigInteger filesz,
            BigInteger memsz, BigInteger flags, BigInteger align) {
    }

    /** One dynamic entry: the tag readelf prints in hex, its name, and the value where readelf prints it plainly. */
    record DynamicRow(BigInteger tag, String name, BigInteger value) {
    }

    /**
     * One note: owner, n_descsz, the type's name as readelf gives it ({@code unknown(N)} for its
     * "Unknown note type"), and the area readelf found it in: a section ({@code section}, for
     * "Displaying notes found in: NAME") or a PT_NOTE segment ({@code areaOffset}, for
     * "Displaying notes found at file offset 0x... with length ..."); the other is null.
     */
    record NoteRow(String owner, BigInteger descsz, String type, String section, BigInteger areaOffset) {
    }

    /** One needed version of {@code readelf -V}'s "Version needs section": its index, name and the file that provides it. */
    record NeededVersion(int index, String name, String file) {
    }

    /**
     * The table name {@link #parseSymbols} takes for the table {@code readelf --syms --use-dynamic}
     * prints as "Symbol table for image contains N entries:", the dynamic symbols readelf finds
     * through PT_DYNAMIC (the only way it shows those of a file without section headers).
     */
    static final String IMAGE = "\0image";

    record Model(Header header, List<SectionRow> sections, List<SymbolRow> symbols,
            List<RelocationRow> relocations, List<SymbolRow> dynamicSymbols, List<SegmentRow> segments,
            List<DynamicRow> dynamic, List<NoteRow> notes, List<RelrRow> relr, List<CompressionRow> compressions) {
    }

    /** Runs readelf seven times on {@code object} ({@code -h -t -s -r -l -d -n}) and parses the answers. */
    static Model read(Path object) {
        String readelf = ExternalTools.require("readelf", "binutils").toString();
        String file = object.toString();
        Header header = parseHeader(run(readelf, "-h", file));
        String t = run(readelf, "-t", file);
        List<SectionRow> sections = parseSections(t);
        String symtabName = sections.stream().filter(x -> x.type().equals("SHT_SYMTAB"))
                .map(SectionRow::name).findFirst().orElse(null);
        String dynsymName = sections.stream().filter(x -> x.type().equals("SHT_DYNSYM"))
                .map(SectionRow::name).findFirst().orElse(null);
        boolean is64 = header.elfClass().equals("ELFCLASS64");
        boolean mips64 = is64 && header.machine().equals("EM_MIPS");
        String s = run(readelf, "-s", file);
        String r = run(readelf, "-r", file);
        // Without section headers readelf shows dynamic symbols only through PT_DYNAMIC (-D); binutils
        // 2.40 prints nothing for --dyn-syms -D on such a file, but --syms -D prints them.
        List<SymbolRow> dynamicSymbols = sections.isEmpty() ? parseSymbols(run(readelf, "-s", "-D", file), IMAGE)
                : parseSymbols(s, dynsymName);
        return new Model(header, sections, parseSymbols(s, symtabName),
                parseRelocations(r, is64, mips64), dynamicSymbols,
                parseSegments(run(readelf, "-l", file)), parseDynamic(run(readelf, "-d", file)),
                parseNotes(run(readelf, "-n", file)), parseRelr(r), parseCompressions(t));
    }

    private static String run(String readelf, String... optionsAndFile) {
        // C locale: readelf then prints names byte for byte, with no locale-dependent escaping.
        List<String> command = new ArrayList<>(List.of("env", "LC_ALL=C", readelf, "-W"));
        command.addAll(List.of(optionsAndFile));
        return ExternalTools.run(command);
    }

    /** Runs readelf with {@code options} on {@code object} (C locale, wide): its standard output. */
    static String run(Path object, String... options) {
        String readelf = ExternalTools.require("readelf", "binutils").toString();
        List<String> args = new ArrayList<>(List.of(options));
        args.add(object.toString());
        return run(readelf, args.toArray(String[]::new));
    }

    // ---- -h ----

    private static final Pattern HEADER_LINE = Pattern.compile("^\\s*(Class|Data|Type|Machine):\\s+(.*?)\\s*$");

    /**
     * readelf's machine descriptions and the spec names of their values, from machines.tsv
     * (regen-machines.py: readelf run on a crafted header per value, names from {@code <elf.h>}
     * and binutils). A description readelf uses for several values maps to all their names,
     * joined by {@code |}.
     */
    private static final Map<String, String> MACHINES = machines();

    private static Map<String, String> machines() {
        Map<String, String> out = new java.util.HashMap<>();
        try (java.io.InputStream in = Readelf.class.getResourceAsStream("/readelf/machines.tsv")) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /readelf/machines.tsv");
            }
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                out.merge(f[1], f[2], (a, b) -> a + "|" + b);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Map.copyOf(out);
    }

    static Header parseHeader(String text) {
        String elfClass = null;
        String data = null;
        String type = null;
        String machine = null;
        for (String line : text.split("\n")) {
            Matcher m = HEADER_LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String v = m.group(2);
            switch (m.group(1)) {
                case "Class" -> elfClass = switch (v) {
                    case "ELF32" -> "ELFCLASS32";
                    case "ELF64" -> "ELFCLASS64";
                    default -> "readelf:" + v;
                };
                case "Data" -> data = switch (v) {
                    case "2's complement, little endian" -> "ELFDATA2LSB";
                    case "2's complement, big endian" -> "ELFDATA2MSB";
                    default -> "readelf:" + v;
                };
                // "REL (Relocatable file)", "DYN (Shared object file)", ...; "<unknown>: 1f" otherwise.
                case "Type" -> type = v.matches("[A-Z]+ \\(.*\\)") ? "ET_" + v.substring(0, v.indexOf(' '))
                        : unknown(v, 16);
                default -> machine = MACHINES.getOrDefault(v, unknown(v, 16));
            }
        }
        if (elfClass == null || data == null || type == null || machine == null) {
            throw new IllegalStateException("readelf -h: no Class/Data/Type/Machine lines in:\n" + text);
        }
        return new Header(elfClass, data, type, machine);
    }

    /** readelf's {@code "<unknown>: N"} (N in {@code radix}) as our {@code unknown(N)}; anything else kept, marked. */
    private static String unknown(String v, int radix) {
        Matcher m = Pattern.compile("<[^>]*>: (?:0x)?([0-9a-f]+)").matcher(v);
        return m.matches() ? "unknown(" + new BigInteger(m.group(1), radix) + ")" : "readelf:" + v;
    }

    // ---- -t ----

    private static final Pattern SECTION_NAME = Pattern.compile("^  \\[\\s*(\\d+)\\] ?(.*)$");
    private static final Pattern SECTION_FLAGS = Pattern.compile("^\\s+\\[([0-9a-f]+)\\]: ?.*$");
    private static final Pattern SECTION_COUNT = Pattern.compile("^There (?:are|is) (\\d+) section headers?, .*");

    private static final Map<String, String> SECTION_TYPES = Map.of(
            "SYMTAB SECTION INDICES", "SHT_SYMTAB_SHNDX", "VERDEF", "SHT_GNU_verdef", "VERNEED", "SHT_GNU_verneed",
            "VERSYM", "SHT_GNU_versym", "GNU_HASH", "SHT_GNU_HASH", "GNU_LIBLIST", "SHT_GNU_LIBLIST",
            "GNU_ATTRIBUTES", "SHT_GNU_ATTRIBUTES");

    static List<SectionRow> parseSections(String text) {
        List<SectionRow> out = new ArrayList<>();
        String[] lines = text.split("\n");
        int announced = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].equals("There are no sections in this file.")) {
                announced = 0;
                continue;
            }
            Matcher count = SECTION_COUNT.matcher(lines[i]);
            if (count.matches()) {
                announced = Integer.parseInt(count.group(1));
                continue;
            }
            Matcher name = SECTION_NAME.matcher(lines[i]);
            if (!name.matches()) {
                continue;
            }
            if (i + 2 >= lines.length) {
                throw new IllegalStateException("readelf -t: section " + name.group(1) + " is cut short");
            }
            String[] cols = lines[i + 1].trim().split("\\s+");
            Matcher flags = SECTION_FLAGS.matcher(lines[i + 2]);
            if (cols.length < 8 || !flags.matches()) {
                throw new IllegalStateException("readelf -t: cannot read section " + name.group(1) + ":\n"
                        + lines[i + 1] + "\n" + lines[i + 2]);
            }
            int n = cols.length;
            String type = sectionType(String.join(" ", List.of(cols).subList(0, n - 7)));
            out.add(new SectionRow(Integer.parseInt(name.group(1)), name.group(2), type,
                    hex(flags.group(1)), hex(cols[n - 7]), hex(cols[n - 6]), hex(cols[n - 5]),
                    dec(cols[n - 3]), dec(cols[n - 2]), dec(cols[n - 1]), hex(cols[n - 4])));
            i += 2;
        }
        if (announced != out.size()) {
            throw new IllegalStateException("readelf -t announced " + announced + " sections, parsed " + out.size());
        }
        return out;
    }

    private static final Pattern CHDR = Pattern.compile("^\\s+(ZLIB|ZSTD|\\S+), ([0-9a-f]+), (\\d+)$");

    /** The compression lines of {@code readelf -t}: a fourth line under a section whose flags say COMPRESSED. */
    static List<CompressionRow> parseCompressions(String text) {
        List<CompressionRow> out = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i + 3 < lines.length; i++) {
            Matcher name = SECTION_NAME.matcher(lines[i]);
            if (name.matches() && lines[i + 2].contains("COMPRESSED")) {
                Matcher c = CHDR.matcher(lines[i + 3]);
                if (!c.matches()) {
                    throw new IllegalStateException("readelf -t: no compression header line under section "
                            + name.group(1) + ": " + lines[i + 3]);
                }
                String type = switch (c.group(1)) {
                    case "ZLIB" -> "ELFCOMPRESS_ZLIB";
                    case "ZSTD" -> "ELFCOMPRESS_ZSTD";
                    default -> "readelf:" + c.group(1);
                };
                out.add(new CompressionRow(Integer.parseInt(name.group(1)), type, hex(c.group(2)), dec(c.group(3))));
            }
        }
        return out;
    }

    private static String sectionType(String readelfName) {
        String known = SECTION_TYPES.get(readelfName);
        if (known != null) {
            return known;
        }
        Matcher range = Pattern.compile("(LOPROC|LOOS|LOUSER)\\+0x([0-9a-f]+)").matcher(readelfName);
        if (range.matches()) {
            long base = switch (range.group(1)) {
                case "LOPROC" -> 0x70000000L;
                case "LOOS" -> 0x60000000L;
                default -> 0x80000000L;
            };
            return "unknown(" + (base + Long.parseLong(range.group(2), 16)) + ")";
        }
        Matcher other = Pattern.compile("([0-9a-f]{8}): <unknown>").matcher(readelfName);
        if (other.matches()) {
            return "unknown(" + Long.parseLong(other.group(1), 16) + ")";
        }
        return readelfName.matches("[A-Z0-9_]+") ? "SHT_" + readelfName : "readelf:" + readelfName;
    }

    // ---- -s ----

    private static final Pattern SYMTAB_TITLE = Pattern.compile("^Symbol table '(.*)' contains (\\d+) entr(?:y|ies):$");
    private static final Pattern IMAGE_TITLE = Pattern.compile("^Symbol table for image contains (\\d+) entr(?:y|ies):$");
    /** Num: Value Size Type Bind Vis [other] Ndx Name; Type and Bind may be {@code "<OS specific>: 10"}. */
    private static final Pattern SYMBOL = Pattern.compile("^\\s*(\\d+): ([0-9a-f]+) +(0x[0-9a-f]+|\\d+)"
            + " (<[^>]*>: \\d+|\\S+) +(<[^>]*>: \\d+|\\S+) +(\\S+)(?: +\\[[^\\]]*\\])?"
            + " +(OS \\[0x[0-9a-f]+\\]|bad section index\\[ *\\d+\\]|\\S+) (.*)$");

    private static final Map<String, String> SYMBOL_TYPES = Map.of("NOTYPE", "STT_NOTYPE", "OBJECT", "STT_OBJECT",
            "FUNC", "STT_FUNC", "SECTION", "STT_SECTION", "FILE", "STT_FILE", "COMMON", "STT_COMMON", "TLS", "STT_TLS",
            "RELC", "STT_RELC", "SRELC", "STT_SRELC", "IFUNC", "STT_GNU_IFUNC");
    private static final Map<String, String> BINDINGS = Map.of("LOCAL", "STB_LOCAL", "GLOBAL", "STB_GLOBAL",
            "WEAK", "STB_WEAK", "UNIQUE", "STB_GNU_UNIQUE");
    private static final Map<String, BigInteger> SPECIAL_INDEXES = Map.of("UND", BigInteger.ZERO,
            "ABS", BigInteger.valueOf(0xfff1), "COM", BigInteger.valueOf(0xfff2),
            "ANSI_COM", BigInteger.valueOf(0xff00), "LARGE_COM", BigInteger.valueOf(0xff02));

    /** The rows of the table called {@code tableName} (the SHT_SYMTAB section's name); none if null. */
    static List<SymbolRow> parseSymbols(String text, String tableName) {
        List<SymbolRow> out = new ArrayList<>();
        boolean inTable = false;
        int announced = 0;
        for (String line : text.split("\n")) {
            Matcher title = SYMTAB_TITLE.matcher(line);
            if (title.matches()) {
                inTable = title.group(1).equals(tableName);
                if (inTable) {
                    announced = Integer.parseInt(title.group(2));
                }
                continue;
            }
            Matcher image = IMAGE_TITLE.matcher(line);
            if (image.matches()) {
                inTable = IMAGE.equals(tableName);
                if (inTable) {
                    announced = Integer.parseInt(image.group(1));
                }
                continue;
            }
            if (!inTable || line.isBlank() || line.trim().startsWith("Num:")) {
                continue;
            }
            Matcher m = SYMBOL.matcher(line);
            if (!m.matches()) {
                throw new IllegalStateException("readelf -s: cannot read symbol line: " + line);
            }
            String size = m.group(3);
            out.add(new SymbolRow(Integer.parseInt(m.group(1)), m.group(8), hex(m.group(2)),
                    size.startsWith("0x") ? hex(size.substring(2)) : dec(size),
                    named(m.group(4), SYMBOL_TYPES), named(m.group(5), BINDINGS), "STV_" + m.group(6),
                    sectionIndex(m.group(7))));
        }
        if (out.size() != announced) {
            throw new IllegalStateException("readelf -s announced " + announced + " symbols in '" + tableName
                    + "', parsed " + out.size());
        }
        return out;
    }

    private static String named(String readelfName, Map<String, String> names) {
        String n = names.get(readelfName);
        if (n != null) {
            return n;
        }
        Matcher m = Pattern.compile("<[^>]*>: (\\d+)").matcher(readelfName);
        return m.matches() ? "unknown(" + m.group(1) + ")" : "readelf:" + readelfName;
    }

    private static BigInteger sectionIndex(String ndx) {
        BigInteger special = SPECIAL_INDEXES.get(ndx);
        if (special != null) {
            return special;
        }
        if (ndx.matches("\\d+")) {
            return dec(ndx);
        }
        Matcher reserved = Pattern.compile("(?:PRC|OS |RSV)\\[0x([0-9a-f]+)\\]").matcher(ndx);
        if (reserved.matches()) {
            return hex(reserved.group(1));
        }
        throw new IllegalStateException("readelf -s: unknown Ndx '" + ndx + "'");
    }

    // ---- -r ----

    private static final Pattern RELOC_TITLE =
            Pattern.compile("^Relocation section '(.*)' at offset 0x[0-9a-f]+ contains (\\d+) entr(?:y|ies):$");
    private static final Pattern RELOC = Pattern.compile("^([0-9a-f]+) +([0-9a-f]+) (.*)$");
    /** The addend ends a RELA line: {@code "name + 4"}, {@code "name - 4"}, or a bare (signed) hex number for symbol 0. */
    private static final Pattern ADDEND = Pattern.compile(".*?(?: ([+-]) ([0-9a-f]+)| (-?)([0-9a-f]+))$");

    static List<RelocationRow> parseRelocations(String text, boolean is64) {
        return parseRelocations(text, is64, false);
    }

    /** As above; {@code mips64} reads the Info word as MIPS64's and skips readelf's Type2/Type3 lines. */
    static List<RelocationRow> parseRelocations(String text, boolean is64, boolean mips64) {
        List<RelocationRow> out = new ArrayList<>();
        String section = null;
        boolean rela = false;
        int announced = 0;
        int seen = 0;
        boolean relr = false;
        for (String line : text.split("\n")) {
            Matcher title = RELOC_TITLE.matcher(line);
            if (title.matches()) {
                if (!relr) {
                    checkCount(section, announced, seen);
                }
                section = title.group(1);
                announced = Integer.parseInt(title.group(2));
                seen = 0;
                relr = false;
                continue;
            }
            if (section == null || line.isBlank()) {
                continue;
            }
            if (RELR_COUNT.matcher(line).matches()) {
                relr = true; // parsed by parseRelr
            }
            if (relr) {
                continue;
            }
            if (mips64 && (line.trim().startsWith("Type2:") || line.trim().startsWith("Type3:"))) {
                continue;
            }
            if (line.trim().startsWith("Offset")) {
                rela = line.contains("Addend");
                continue;
            }
            Matcher m = RELOC.matcher(line);
            if (!m.matches()) {
                throw new IllegalStateException("readelf -r: cannot read relocation line: " + line);
            }
            BigInteger info = hex(m.group(2));
            BigInteger sym = is64 ? info.shiftRight(32) : info.shiftRight(8);
            BigInteger type = is64 ? info.and(BigInteger.valueOf(0xffffffffL)) : info.and(BigInteger.valueOf(0xff));
            BigInteger addend = null;
            if (rela) {
                Matcher a = ADDEND.matcher(m.group(3));
                if (!a.matches()) {
                    throw new IllegalStateException("readelf -r: no addend on RELA line: " + line);
                }
                addend = a.group(1) != null ? hex(a.group(2)) : hex(a.group(4));
                if ("-".equals(a.group(1)) || "-".equals(a.group(3))) {
                    addend = addend.negate();
                }
            }
            if (mips64) {
                BigInteger ff = BigInteger.valueOf(0xff);
                out.add(new RelocationRow(section, hex(m.group(1)), info.and(ff), sym, addend,
                        info.shiftRight(8).and(ff), info.shiftRight(16).and(ff), info.shiftRight(24).and(ff)));
            } else {
                out.add(new RelocationRow(section, hex(m.group(1)), type, sym, addend));
            }
            seen++;
        }
        if (!relr) {
            checkCount(section, announced, seen);
        }
        return out;
    }

    private static final Pattern RELR_COUNT = Pattern.compile("^  (\\d+) offsets?$");
    private static final Pattern RELR_OFFSET = Pattern.compile("^([0-9a-f]+)(?: +.*)?$");

    /** The SHT_RELR blocks of {@code readelf -r}: "contains N entries:", "  M offsets", M address lines. */
    static List<RelrRow> parseRelr(String text) {
        List<RelrRow> out = new ArrayList<>();
        List<Integer> expected = new ArrayList<>();
        String section = null;
        BigInteger entries = null;
        List<BigInteger> offsets = null;
        for (String line : text.split("\n")) {
            Matcher title = RELOC_TITLE.matcher(line);
            if (title.matches()) {
                section = title.group(1);
                entries = dec(title.group(2));
                offsets = null;
                continue;
            }
            Matcher count = RELR_COUNT.matcher(line);
            if (section != null && offsets == null && count.matches()) {
                expected.add(Integer.parseInt(count.group(1)));
                offsets = new ArrayList<>();
                out.add(new RelrRow(section, entries, offsets));
                continue;
            }
            if (offsets != null && !line.isBlank()) {
                Matcher m = RELR_OFFSET.matcher(line);
                if (!m.matches()) {
                    throw new IllegalStateException("readelf -r: cannot read RELR line: " + line);
                }
                offsets.add(hex(m.group(1)));
            }
        }
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).offsets().size() != expected.get(i)) {
                throw new IllegalStateException("readelf -r announced " + expected.get(i) + " RELR offsets in '"
                        + out.get(i).section() + "', parsed " + out.get(i).offsets().size());
            }
        }
        return out;
    }

    // ---- -l ----

    private static final Pattern SEGMENT_COUNT = Pattern.compile("^There (?:are|is) (\\d+) program headers?,.*");
    private static final Pattern SEGMENT = Pattern.compile("^  (\\S+) +0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+)"
            + " 0x([0-9a-f]+) 0x([0-9a-f]+) (.{3}) (?:0x)?([0-9a-f]+)$"); // an alignment of 0 prints bare
    /** readelf's p_type names that are not the spec name minus {@code PT_}. */
    private static final Map<String, String> SEGMENT_TYPES = Map.of("EXIDX", "PT_ARM_EXIDX",
            "ARM_EXIDX", "PT_ARM_EXIDX", "RISCV_ATTRIBUT", "PT_RISCV_ATTRIBUTES", "IA_64_ARCHEXT", "PT_IA_64_ARCHEXT",
            "IA_64_UNWIND", "PT_IA_64_UNWIND",
            "RTPROC", "PT_MIPS_RTPROC", "OPTIONS", "PT_MIPS_OPTIONS", "ABIFLAGS", "PT_MIPS_ABIFLAGS",
            "REGINFO", "PT_MIPS_REGINFO");

    static List<SegmentRow> parseSegments(String text) {
        List<SegmentRow> out = new ArrayList<>();
        int announced = 0;
        boolean inTable = false;
        for (String line : text.split("\n")) {
            Matcher count = SEGMENT_COUNT.matcher(line);
            if (count.matches()) {
                announced = Integer.parseInt(count.group(1));
                continue;
            }
            if (line.startsWith("Program Headers:")) {
                inTable = true;
                continue;
            }
            if (!inTable || line.trim().startsWith("Type ") || line.trim().startsWith("[Requesting")) {
                continue;
            }
            if (line.isBlank()) {
                break;
            }
            Matcher m = SEGMENT.matcher(line);
            if (!m.matches()) {
                throw new IllegalStateException("readelf -l: cannot read program header line: " + line);
            }
            String f = m.group(7);
            long flags = (f.charAt(0) == 'R' ? 4 : 0) | (f.charAt(1) == 'W' ? 2 : 0) | (f.charAt(2) == 'E' ? 1 : 0);
            out.add(new SegmentRow(segmentType(m.group(1)), hex(m.group(2)), hex(m.group(3)), hex(m.group(4)),
                    hex(m.group(5)), hex(m.group(6)), BigInteger.valueOf(flags), hex(m.group(8))));
        }
        if (out.size() != announced) {
            throw new IllegalStateException("readelf -l announced " + announced + " program headers, parsed " + out.size());
        }
        return out;
    }

    private static String segmentType(String readelfName) {
        String known = SEGMENT_TYPES.get(readelfName);
        if (known != null) {
            return known;
        }
        Matcher range = Pattern.compile("(LOPROC|LOOS)\\+0x([0-9a-f]+)").matcher(readelfName);
        if (range.matches()) {
            long base = range.group(1).equals("LOPROC") ? 0x70000000L : 0x60000000L;
            return "unknown(" + (base + Long.parseLong(range.group(2), 16)) + ")";
        }
        Matcher other = Pattern.compile("0x([0-9a-f]+)").matcher(readelfName);
        if (other.matches()) {
            return "unknown(" + Long.parseLong(other.group(1), 16) + ")";
        }
        return readelfName.matches("[A-Z0-9_]+") ? "PT_" + readelfName : "readelf:" + readelfName;
    }

    // ---- -d ----

    private static final Pattern DYNAMIC_TITLE =
            Pattern.compile("^Dynamic section at offset 0x[0-9a-f]+ contains (\\d+) entr(?:y|ies):$");
    private static final Pattern DYNAMIC = Pattern.compile("^ 0x([0-9a-f]+) \\((\\S+)\\) +(.*)$");
    /** readelf's tag names that are not the spec name minus {@code DT_}. */
    private static final Map<String, String> DYNAMIC_TAGS = Map.of("FLAGS_1", "DT_FLAGS_1");

    static List<DynamicRow> parseDynamic(String text) {
        List<DynamicRow> out = new ArrayList<>();
        int announced = 0;
        for (String line : text.split("\n")) {
            Matcher title = DYNAMIC_TITLE.matcher(line);
            if (title.matches()) {
                announced = Integer.parseInt(title.group(1));
                continue;
            }
            if (line.trim().startsWith("Tag ") || line.isBlank() || !line.startsWith(" 0x")) {
                continue;
            }
            Matcher m = DYNAMIC.matcher(line);
            if (!m.matches()) {
                throw new IllegalStateException("readelf -d: cannot read dynamic line: " + line);
            }
            String name = m.group(2);
            String spec = DYNAMIC_TAGS.getOrDefault(name, name.matches("[A-Z0-9_]+") ? "DT_" + name : "readelf:" + name);
            out.add(new DynamicRow(hex(m.group(1)), spec, plainValue(m.group(3).trim())));
        }
        if (out.size() != announced) {
            throw new IllegalStateException("readelf -d announced " + announced + " entries, parsed " + out.size());
        }
        return out;
    }

    /** The value when readelf prints it as a number ({@code 0x1f}, {@code 24 (bytes)}, {@code 7}); null otherwise. */
    private static BigInteger plainValue(String v) {
        Matcher hexValue = Pattern.compile("0x([0-9a-f]+)").matcher(v);
        if (hexValue.matches()) {
            return hex(hexValue.group(1));
        }
        Matcher bytes = Pattern.compile("(\\d+)(?: \\(bytes\\))?").matcher(v);
        return bytes.matches() ? dec(bytes.group(1)) : null;
    }

    // ---- -n ----

    /** readelf's note type words that are not spec names. */
    private static final Map<String, String> NOTE_TYPES = Map.of("FDO_PACKAGING_METADATA", "NT_FDO_PACKAGING_METADATA",
            "GO BUILDID", "NT_GO_BUILDID", "OPEN", "NT_GNU_BUILD_ATTRIBUTE_OPEN", "FUNC", "NT_GNU_BUILD_ATTRIBUTE_FUNC",
            "open", "NT_GNU_BUILD_ATTRIBUTE_OPEN", "func", "NT_GNU_BUILD_ATTRIBUTE_FUNC");

    private static final Pattern NOTE = Pattern.compile("^  (.*?) +0x([0-9a-f]{8})\t(.*?)\s*$");

    private static final Pattern NOTE_SECTION = Pattern.compile("^Displaying notes found in: (.*)$");
    private static final Pattern NOTE_SEGMENT =
            Pattern.compile("^Displaying notes found at file offset 0x([0-9a-f]+) with length 0x[0-9a-f]+:$");

    static List<NoteRow> parseNotes(String text) {
        List<NoteRow> out = new ArrayList<>();
        boolean inTable = false;
        String section = null;
        BigInteger areaOffset = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("Displaying notes found")) {
                Matcher inSection = NOTE_SECTION.matcher(line);
                Matcher inSegment = NOTE_SEGMENT.matcher(line);
                if (inSection.matches()) {
                    section = inSection.group(1);
                    areaOffset = null;
                } else if (inSegment.matches()) {
                    section = null;
                    areaOffset = hex(inSegment.group(1));
                } else {
                    throw new IllegalStateException("readelf -n: cannot read note area line: " + line);
                }
                inTable = true;
                continue;
            }
            if (!inTable || line.trim().startsWith("Owner ") || !line.startsWith("  ") || line.startsWith("   ")) {
                continue;
            }
            Matcher m = NOTE.matcher(line);
            if (!m.matches()) {
                throw new IllegalStateException("readelf -n: cannot read note line: " + line);
            }
            String d = m.group(3);
            String type;
            Matcher unknown = Pattern.compile("Unknown note type: \\(0x([0-9a-f]+)\\).*").matcher(d);
            if (unknown.matches()) {
                type = "unknown(" + Long.parseLong(unknown.group(1), 16) + ")";
            } else if (d.matches("NT_[A-Z0-9_]+.*")) {
                type = d.split("[ \\t]")[0];
            } else if (NOTE_TYPES.containsKey(d.split("\\t")[0])) {
                type = NOTE_TYPES.get(d.split("\\t")[0]);
            } else {
                type = "readelf:" + d;
            }
            out.add(new NoteRow(m.group(1), hex(m.group(2)), type, section, areaOffset));
        }
        return out;
    }

    // ---- -V ----

    private static final Pattern VERNEED_TITLE =
            Pattern.compile("^Version needs section '.*' contains (\\d+) entr(?:y|ies):$");
    private static final Pattern VERNEED_FILE = Pattern.compile("^  [0-9a-fx]+: Version: \\d+  File: (.*)  Cnt: (\\d+)$");
    private static final Pattern VERNEED_AUX =
            Pattern.compile("^  [0-9a-fx]+:   Name: (.*)  Flags: .*  Version: (\\d+)$");

    /** The needed versions of {@code readelf -V}'s "Version needs section", in its order. */
    static List<NeededVersion> parseNeededVersions(String text) {
        List<NeededVersion> out = new ArrayList<>();
        boolean inTable = false;
        String file = null;
        int files = 0;
        int announced = 0;
        for (String line : text.split("\n")) {
            Matcher title = VERNEED_TITLE.matcher(line);
            if (title.matches()) {
                inTable = true;
                announced = Integer.parseInt(title.group(1));
                continue;
            }
            if (!inTable || line.startsWith(" Addr:")) {
                continue;
            }
            if (line.isBlank()) {
                break;
            }
            Matcher f = VERNEED_FILE.matcher(line);
            Matcher aux = VERNEED_AUX.matcher(line);
            if (f.matches()) {
                file = f.group(1);
                files++;
            } else if (aux.matches() && file != null) {
                out.add(new NeededVersion(Integer.parseInt(aux.group(2)), aux.group(1), file));
            } else {
                throw new IllegalStateException("readelf -V: cannot read version needs line: " + line);
            }
        }
        if (files != announced) {
            throw new IllegalStateException("readelf -V announced " + announced + " needed files, parsed " + files);
        }
        return out;
    }

    private static void checkCount(String section, int announced, int seen) {
        if (section != null && announced != seen) {
            throw new IllegalStateException("readelf -r announced " + announced + " relocations in '" + section
                    + "', parsed " + seen);
        }
    }

    private static BigInteger hex(String s) {
        return new BigInteger(s, 16);
    }

    private static BigInteger dec(String s) {
        return new BigInteger(s);
    }
}
