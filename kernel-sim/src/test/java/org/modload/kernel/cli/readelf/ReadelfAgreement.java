package org.modload.kernel.cli.readelf;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.modload.kernel.cli.Main;

/**
 * Compares {@code modload elf --json} with {@link Readelf} field for field: the header's four
 * fields, each section's eleven, each symbol's eight, each relocation's five, and the count of
 * each. The result is a list of located differences; empty means agreement.
 *
 * <p>One display rule is applied to our side, because readelf never shows the raw value: a
 * STT_SECTION symbol with an empty name is shown by readelf under its section's name.
 */
final class ReadelfAgreement {
    private static final List<String> SECTION_FIELDS =
            List.of("index", "name", "type", "flags", "addr", "offset", "size", "link", "info", "addralign", "entsize");
    private static final List<String> SYMBOL_FIELDS =
            List.of("index", "name", "value", "size", "type", "bind", "visibility", "shndx");
    private static final List<String> RELOCATION_FIELDS = List.of("section", "offset", "type", "symbol", "addend");
    private static final List<String> MIPS64_RELOCATION_FIELDS =
            List.of("section", "offset", "type", "symbol", "addend", "type2", "type3", "ssym");
    private static final List<String> SEGMENT_FIELDS =
            List.of("type", "offset", "vaddr", "paddr", "filesz", "memsz", "flags", "align");

    /**
     * Section types whose names binutils 2.40's readelf does not print (it shows
     * {@code LOOS+0x...}), with their values from LLVM's {@code llvm/BinaryFormat/ELF.h}.
     */
    static final Map<String, Long> READELF_LACKS = Map.of("SHT_LLVM_ADDRSIG", 0x6fff4c03L,
            "SHT_LLVM_DEPENDENT_LIBRARIES", 0x6fff4c04L, "SHT_LLVM_LINKER_OPTIONS", 0x6fff4c01L,
            "SHT_LLVM_CALL_GRAPH_PROFILE", 0x6fff4c09L, "SHT_LLVM_BB_ADDR_MAP", 0x6fff4c0aL,
            "SHT_LLVM_SYMPART", 0x6fff4c05L, "SHT_LLVM_PART_EHDR", 0x6fff4c06L, "SHT_LLVM_PART_PHDR", 0x6fff4c07L,
            "SHT_LLVM_ODRTAB", 0x6fff4c00L, "SHT_LLVM_OFFLOADING", 0x6fff4c0bL);

    private ReadelfAgreement() {
    }

    /** Runs {@code modload elf --json} on {@code object}; returns the parsed top-level object. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> modloadJson(Path object) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(new String[] {"elf", "--json", object.toString()}, new PrintWriter(out), new PrintWriter(err));
        if (status != 0) {
            throw new AssertionError("modload elf --json " + object + " exited " + status + ": " + err);
        }
        return (Map<String, Object>) MiniJson.parse(out.toString());
    }

    /** Runs both tools on {@code object} and compares them. */
    static List<String> check(Path object) {
        return compare(modloadJson(object), Readelf.read(object));
    }

    static List<String> compare(Map<String, Object> json, Readelf.Model readelf) {
        return compare(json, readelf, new ArrayList<>());
    }

    /**
     * As {@link #compare(Map, Readelf.Model)}; adds to {@code explained} each difference that is
     * readelf 2.40 not knowing a newer spec name (see {@link #READELF_LACKS}) instead of failing.
     */
    static List<String> compare(Map<String, Object> json, Readelf.Model readelf, List<String> explained) {
        List<String> diffs = new ArrayList<>();
        Readelf.Header h = readelf.header();
        field(diffs, "header", "class", json.get("class"), h.elfClass());
        field(diffs, "header", "data", json.get("data"), h.data());
        field(diffs, "header", "type", json.get("type"), h.type());
        // readelf gives some values one description (e.g. "Altera Nios"): any of their names agrees.
        Object machine = List.of(h.machine().split("\\|")).contains(json.get("machine")) ? h.machine() : json.get("machine");
        field(diffs, "header", "machine", machine, h.machine());

        List<Map<String, Object>> sections = list(json, "sections");
        count(diffs, "sections", sections.size(), readelf.sections().size());
        for (int i = 0; i < Math.min(sections.size(), readelf.sections().size()); i++) {
            Map<String, Object> ours = sections.get(i);
            Readelf.SectionRow theirs = readelf.sections().get(i);
            List<Object> values = List.of(theirs.index(), theirs.name(), theirs.type(), theirs.flags(), theirs.addr(),
                    theirs.offset(), theirs.size(), theirs.link(), theirs.info(), theirs.addralign(), theirs.entsize());
            Map<String, Object> shown = new LinkedHashMap<>(ours);
            Long lacking = READELF_LACKS.get(ours.get("type"));
            if (lacking != null && ("unknown(" + lacking + ")").equals(theirs.type())) {
                shown.put("type", theirs.type());
                explained.add("section type " + ours.get("type") + " is LOOS+0x" + Long.toHexString(lacking - 0x60000000L)
                        + " to readelf 2.40");
            }
            fields(diffs, "section " + i + " (" + theirs.name() + ")", shown, SECTION_FIELDS, values);
        }

        List<Readelf.CompressionRow> compressions = readelf.compressions();
        long compressedOurs = sections.stream().filter(x -> x.get("compression") != null).count();
        count(diffs, "compressed sections", (int) compressedOurs, compressions.size());
        for (Readelf.CompressionRow c : compressions) {
            Object chdr = c.index() < sections.size() ? sections.get(c.index()).get("compression") : null;
            String where = "section " + c.index() + " compression";
            if (chdr instanceof Map<?, ?> m) {
                field(diffs, where, "type", m.get("type"), c.type());
                field(diffs, where, "size", m.get("size"), c.size());
                field(diffs, where, "addralign", m.get("addralign"), c.addralign());
            } else {
                diffs.add(where + ": modload shows none, readelf " + c);
            }
        }

        List<Map<String, Object>> symbols = list(json, "symbols");
        count(diffs, "symbols", symbols.size(), readelf.symbols().size());
        for (int i = 0; i < Math.min(symbols.size(), readelf.symbols().size()); i++) {
            Map<String, Object> ours = new LinkedHashMap<>(symbols.get(i));
            ours.put("name", displayedName(ours, sections));
            osSpecific(ours, json.get("osabi"));
            Readelf.SymbolRow theirs = readelf.symbols().get(i);
            List<Object> values = List.of(theirs.index(), theirs.name(), theirs.value(), theirs.size(), theirs.type(),
                    theirs.bind(), theirs.visibility(), theirs.shndx());
            fields(diffs, "symbol " + i + " (" + theirs.name() + ")", ours, SYMBOL_FIELDS, values);
        }

        List<Map<String, Object>> relocations = list(json, "relocations");
        boolean mips64 = "EM_MIPS".equals(json.get("machine")) && "ELFCLASS64".equals(json.get("class"));
        count(diffs, "relocations", relocations.size(), readelf.relocations().size());
        for (int i = 0; i < Math.min(relocations.size(), readelf.relocations().size()); i++) {
            Readelf.RelocationRow theirs = readelf.relocations().get(i);
            List<Object> values = Arrays.asList(theirs.section(), theirs.offset(), theirs.type(),
                    theirs.symbol(), theirs.addend(), theirs.type2(), theirs.type3(), theirs.ssym());
            List<String> keys = mips64 ? MIPS64_RELOCATION_FIELDS : RELOCATION_FIELDS;
            fields(diffs, "relocation " + i + " (" + theirs.section() + "+0x" + theirs.offset().toString(16) + ")",
                    relocations.get(i), keys, values.subList(0, keys.size()));
        }

        List<Map<String, Object>> dynsyms = list(json, "dynsyms");
        count(diffs, "dynsyms", dynsyms.size(), readelf.dynamicSymbols().size());
        for (int i = 0; i < Math.min(dynsyms.size(), readelf.dynamicSymbols().size()); i++) {
            Map<String, Object> ours = new LinkedHashMap<>(dynsyms.get(i));
            ours.put("name", versionedName(ours));
            osSpecific(ours, json.get("osabi"));
            Readelf.SymbolRow theirs = readelf.dynamicSymbols().get(i);
            List<Object> values = List.of(theirs.index(), theirs.name(), theirs.value(), theirs.size(), theirs.type(),
                    theirs.bind(), theirs.visibility(), theirs.shndx());
            fields(diffs, "dynsym " + i + " (" + theirs.name() + ")", ours, SYMBOL_FIELDS, values);
        }

        List<Map<String, Object>> relr = list(json, "relr");
        count(diffs, "relr sections", relr.size(), readelf.relr().size());
        for (int i = 0; i < Math.min(relr.size(), readelf.relr().size()); i++) {
            Readelf.RelrRow theirs = readelf.relr().get(i);
            String where = "relr " + i + " (" + theirs.section() + ")";
            field(diffs, where, "section", relr.get(i).get("section"), theirs.section());
            field(diffs, where, "entries", relr.get(i).get("entries"), theirs.entries());
            field(diffs, where, "offsets", relr.get(i).get("offsets"), theirs.offsets());
        }

        List<Map<String, Object>> segments = list(json, "segments");
        count(diffs, "segments", segments.size(), readelf.segments().size());
        for (int i = 0; i < Math.min(segments.size(), readelf.segments().size()); i++) {
            Map<String, Object> ours = new LinkedHashMap<>(segments.get(i));
            // readelf shows only R, W and E of p_flags.
            ours.put("flags", ((BigInteger) ours.get("flags")).and(BigInteger.valueOf(7)));
            Readelf.SegmentRow theirs = readelf.segments().get(i);
            List<Object> values = List.of(theirs.type(), theirs.offset(), theirs.vaddr(), theirs.paddr(),
                    theirs.filesz(), theirs.memsz(), theirs.flags(), theirs.align());
            fields(diffs, "segment " + i + " (" + theirs.type() + ")", ours, SEGMENT_FIELDS, values);
        }

        List<Map<String, Object>> dynamic = list(json, "dynamic");
        count(diffs, "dynamic", dynamic.size(), readelf.dynamic().size());
        for (int i = 0; i < Math.min(dynamic.size(), readelf.dynamic().size()); i++) {
            Map<String, Object> ours = dynamic.get(i);
            Readelf.DynamicRow theirs = readelf.dynamic().get(i);
            String where = "dynamic " + i + " (" + theirs.name() + ")";
            field(diffs, where, "tag", ours.get("tag"), theirs.name());
            if (theirs.value() != null) {
                field(diffs, where, "value", ours.get("value"), theirs.value());
            }
        }

        List<Map<String, Object>> notes = list(json, "notes");
        count(diffs, "notes", notes.size(), readelf.notes().size());
        for (int i = 0; i < Math.min(notes.size(), readelf.notes().size()); i++) {
            Map<String, Object> ours = notes.get(i);
            Readelf.NoteRow theirs = readelf.notes().get(i);
            String where = "note " + i + " (" + theirs.owner() + ")";
            // readelf decodes the binary name of a GNU build attribute note ("GA$<tool>gcc ..."); the rest is compared.
            if (!theirs.type().startsWith("NT_GNU_BUILD_ATTRIBUTE_")) {
                field(diffs, where, "owner", ours.get("owner"), theirs.owner());
            }
            field(diffs, where, "descsz", ours.get("descsz"), theirs.descsz());
            field(diffs, where, "type", ours.get("type_name"), theirs.type());
            Readelf.NoteRow before = i == 0 ? null : readelf.notes().get(i - 1);
            boolean firstOfArea = before == null || !Objects.equals(before.section(), theirs.section())
                    || !Objects.equals(before.areaOffset(), theirs.areaOffset());
            BigInteger areaOffset = firstOfArea ? areaOffset(theirs, readelf) : null;
            if (areaOffset != null) {
                // readelf states where each note area starts; the first note of an area starts there.
                field(diffs, where, "offset", ours.get("offset"), areaOffset);
            }
        }
        return diffs;
    }

    /**
     * Where readelf says a note area starts: a PT_NOTE's file offset as it prints it, or the
     * sh_offset of the one uncompressed section of that name; null when readelf does not say.
     */
    private static BigInteger areaOffset(Readelf.NoteRow note, Readelf.Model readelf) {
        if (note.areaOffset() != null) {
            return note.areaOffset();
        }
        List<Readelf.SectionRow> named = readelf.sections().stream().filter(x -> x.name().equals(note.section())).toList();
        boolean compressed = named.size() == 1
                && readelf.compressions().stream().anyMatch(c -> c.index() == named.get(0).index());
        return named.size() == 1 && !compressed ? named.get(0).offset() : null;
    }

    /**
     * What readelf -s shows for a dynamic symbol with a version (binutils 2.40,
     * get_symbol_version_string): {@code name@VER (N)} for a needed version, {@code name@VER}
     * (hidden) or {@code name@@VER} for a defined one, nothing for the symbol naming its own
     * version definition.
     */
    @SuppressWarnings("unchecked")
    private static Object versionedName(Map<String, Object> symbol) {
        Object name = symbol.get("name");
        if (!(symbol.get("version") instanceof Map)) {
            return name;
        }
        Map<String, Object> v = (Map<String, Object>) symbol.get("version");
        if (Boolean.TRUE.equals(v.get("needed"))) {
            return name + "@" + v.get("name") + " (" + v.get("index") + ")";
        }
        if (v.get("name").equals(name)) {
            return name;
        }
        return name + (Boolean.TRUE.equals(v.get("hidden")) ? "@" : "@@") + v.get("name");
    }

    /**
     * What readelf shows for our symbol type and binding: binutils 2.40 names STT_GNU_IFUNC and
     * STB_GNU_UNIQUE only in files whose EI_OSABI is ELFOSABI_GNU (3) or ELFOSABI_FREEBSD (9),
     * printing {@code <OS specific>: 10} elsewhere.
     */
    private static void osSpecific(Map<String, Object> symbol, Object osabi) {
        boolean named = osabi instanceof BigInteger o && (o.intValue() == 3 || o.intValue() == 9);
        if (!named && "STT_GNU_IFUNC".equals(symbol.get("type"))) {
            symbol.put("type", "unknown(10)");
        }
        if (!named && "STB_GNU_UNIQUE".equals(symbol.get("bind"))) {
            symbol.put("bind", "unknown(10)");
        }
    }

    /** What readelf shows for one of our symbols: a nameless section symbol under its section's name. */
    private static Object displayedName(Map<String, Object> symbol, List<Map<String, Object>> sections) {
        Object name = symbol.get("name");
        if ("STT_SECTION".equals(symbol.get("type")) && "".equals(name) && symbol.get("shndx") instanceof BigInteger n
                && n.signum() > 0 && n.compareTo(BigInteger.valueOf(sections.size())) < 0) {
            return sections.get(n.intValueExact()).get("name");
        }
        return name;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> json, String key) {
        Object v = json.get(key);
        if (!(v instanceof List)) {
            throw new AssertionError("modload JSON has no '" + key + "' array");
        }
        return (List<Map<String, Object>>) v;
    }

    private static void count(List<String> diffs, String what, int ours, int theirs) {
        if (ours != theirs) {
            diffs.add(what + ": modload has " + ours + ", readelf " + theirs);
        }
    }

    private static void fields(List<String> diffs, String where, Map<String, Object> ours, List<String> keys,
            List<Object> theirs) {
        for (int k = 0; k < keys.size(); k++) {
            String key = keys.get(k);
            if (!ours.containsKey(key)) {
                diffs.add(where + ": modload JSON lacks '" + key + "' (readelf " + theirs.get(k) + ")");
            } else {
                field(diffs, where, key, ours.get(key), theirs.get(k));
            }
        }
    }

    private static void field(List<String> diffs, String where, String key, Object ours, Object theirs) {
        Object t = theirs instanceof Integer i ? BigInteger.valueOf(i) : theirs;
        if (!Objects.equals(ours, t)) {
            diffs.add(where + ": " + key + ": modload " + show(ours) + ", readelf " + show(t));
        }
    }

    private static String show(Object v) {
        return v instanceof String s ? '"' + s + '"' : String.valueOf(v);
    }
}
