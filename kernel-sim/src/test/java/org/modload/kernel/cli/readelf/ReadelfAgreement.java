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
        List<String> diffs = new ArrayList<>();
        Readelf.Header h = readelf.header();
        field(diffs, "header", "class", json.get("class"), h.elfClass());
        field(diffs, "header", "data", json.get("data"), h.data());
        field(diffs, "header", "type", json.get("type"), h.type());
        field(diffs, "header", "machine", json.get("machine"), h.machine());

        List<Map<String, Object>> sections = list(json, "sections");
        count(diffs, "sections", sections.size(), readelf.sections().size());
        for (int i = 0; i < Math.min(sections.size(), readelf.sections().size()); i++) {
            Map<String, Object> ours = sections.get(i);
            Readelf.SectionRow theirs = readelf.sections().get(i);
            List<Object> values = List.of(theirs.index(), theirs.name(), theirs.type(), theirs.flags(), theirs.addr(),
                    theirs.offset(), theirs.size(), theirs.link(), theirs.info(), theirs.addralign(), theirs.entsize());
            fields(diffs, "section " + i + " (" + theirs.name() + ")", ours, SECTION_FIELDS, values);
        }

        List<Map<String, Object>> symbols = list(json, "symbols");
        count(diffs, "symbols", symbols.size(), readelf.symbols().size());
        for (int i = 0; i < Math.min(symbols.size(), readelf.symbols().size()); i++) {
            Map<String, Object> ours = new LinkedHashMap<>(symbols.get(i));
            ours.put("name", displayedName(ours, sections));
            Readelf.SymbolRow theirs = readelf.symbols().get(i);
            List<Object> values = List.of(theirs.index(), theirs.name(), theirs.value(), theirs.size(), theirs.type(),
                    theirs.bind(), theirs.visibility(), theirs.shndx());
            fields(diffs, "symbol " + i + " (" + theirs.name() + ")", ours, SYMBOL_FIELDS, values);
        }

        List<Map<String, Object>> relocations = list(json, "relocations");
        count(diffs, "relocations", relocations.size(), readelf.relocations().size());
        for (int i = 0; i < Math.min(relocations.size(), readelf.relocations().size()); i++) {
            Readelf.RelocationRow theirs = readelf.relocations().get(i);
            List<Object> values = Arrays.asList(theirs.section(), theirs.offset(), theirs.type(),
                    theirs.symbol(), theirs.addend());
            fields(diffs, "relocation " + i + " (" + theirs.section() + "+0x" + theirs.offset().toString(16) + ")",
                    relocations.get(i), RELOCATION_FIELDS, values);
        }
        return diffs;
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
