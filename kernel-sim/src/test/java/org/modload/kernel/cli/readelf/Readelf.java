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

    /** One relocation; {@code addend} is null for SHT_REL sections. */
    record RelocationRow(String section, BigInteger offset, BigInteger type, BigInteger symbol,
            BigInteger addend) {
    }

    record Model(Header header, List<SectionRow> sections, List<SymbolRow> symbols,
            List<RelocationRow> relocations) {
    }

    /** Runs readelf four times on {@code object} and parses the answers. */
    static Model read(Path object) {
        String readelf = ExternalTools.require("readelf", "binutils").toString();
        String file = object.toString();
        String h = run(readelf, "-h", file);
        String t = run(readelf, "-t", file);
        String s = run(readelf, "-s", file);
        String r = run(readelf, "-r", file);
        Header header = parseHeader(h);
        List<SectionRow> sections = parseSections(t);
        String symtabName = sections.stream().filter(x -> x.type().equals("SHT_SYMTAB"))
                .map(SectionRow::name).findFirst().orElse(null);
        boolean is64 = header.elfClass().equals("ELFCLASS64");
        return new Model(header, sections, parseSymbols(s, symtabName), parseRelocations(r, is64));
    }

    private static String run(String readelf, String option, String file) {
        // C locale: readelf then prints names byte for byte, with no locale-dependent escaping.
        return ExternalTools.run(List.of("env", "LC_ALL=C", readelf, "-W", option, file));
    }

    // ---- -h ----

    private static final Pattern HEADER_LINE = Pattern.compile("^\\s*(Class|Data|Type|Machine):\\s+(.*?)\\s*$");

    private static final Map<String, String> MACHINES = Map.ofEntries(
            Map.entry("None", "EM_NONE"), Map.entry("Sparc", "EM_SPARC"), Map.entry("Intel 80386", "EM_386"),
            Map.entry("MC68000", "EM_68K"), Map.entry("Intel 80486", "EM_486"),
            Map.entry("MIPS R3000", "EM_MIPS"), Map.entry("PowerPC", "EM_PPC"), Map.entry("PowerPC64", "EM_PPC64"),
            Map.entry("IBM S/390", "EM_S390"), Map.entry("ARM", "EM_ARM"), Map.entry("Intel IA-64", "EM_IA_64"),
            Map.entry("Advanced Micro Devices X86-64", "EM_X86_64"));

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
        List<RelocationRow> out = new ArrayList<>();
        String section = null;
        boolean rela = false;
        int announced = 0;
        int seen = 0;
        for (String line : text.split("\n")) {
            Matcher title = RELOC_TITLE.matcher(line);
            if (title.matches()) {
                checkCount(section, announced, seen);
                section = title.group(1);
                announced = Integer.parseInt(title.group(2));
                seen = 0;
                continue;
            }
            if (section == null || line.isBlank()) {
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
            out.add(new RelocationRow(section, hex(m.group(1)), type, sym, addend));
            seen++;
        }
        checkCount(section, announced, seen);
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
