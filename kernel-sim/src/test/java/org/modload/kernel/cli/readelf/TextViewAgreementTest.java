package org.modload.kernel.cli.readelf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.cli.Main;

/**
 * The text views {@code modload elf --segments}, {@code --dyn-syms} and {@code --notes} state the
 * facts readelf's {@code -l}, {@code --dyn-syms} (with {@code -V} for the files needed versions
 * come from) and {@code -n} state, row for row. Their format is ours, not readelf's: one
 * tab-separated line per entry under a fixed header line, numbers in hex (sizes of symbols in
 * decimal), flags as {@code RWX}, versions as {@code NAME [N]}, {@code NAME (hidden) [N]} or
 * {@code needs NAME from FILE [N]}; the header lines and column counts are checked exactly, the
 * rest as facts.
 */
class TextViewAgreementTest {
    private static final Path FIXTURES = Path.of("../loader-api/src/test/resources/fixtures");
    private static final Path CORES = Path.of("src/test/resources/readelf/core");
    private static final Path CROSS = Path.of("src/test/resources/readelf/cross");

    static final String SEGMENTS_HEADER = "index\ttype\tflags\toffset\tvaddr\tpaddr\tfilesz\tmemsz\talign";
    static final String DYNSYMS_HEADER = "index\tvalue\tsize\ttype\tbind\tvisibility\tshndx\tname\tversion";
    static final String NOTES_HEADER = "offset\towner\ttype\tdescsz";

    /** A fixture by its place: the linked fixtures, the cores, the cross-binutils executables. */
    private static Path file(String name) {
        if (name.endsWith(".core")) {
            return CORES.resolve(name);
        }
        return name.startsWith("cross/") ? CROSS.resolve(name.substring(6)) : FIXTURES.resolve(name);
    }

    private static List<String[]> rows(String view, Path file, String header) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(new String[] {"elf", view, file.toString()}, new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, status, "modload elf " + view + " " + file + ": " + err);
        List<String> lines = out.toString().lines().toList();
        assertEquals(header, lines.get(0), "the header line");
        int columns = header.split("\t").length;
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cols = line.split("\t", -1);
            assertEquals(columns, cols.length, "columns of: " + line);
            rows.add(cols);
        }
        return rows;
    }

    private static BigInteger hex(String v) {
        assertTrue(v.startsWith("0x"), "hex: " + v);
        return new BigInteger(v.substring(2), 16);
    }

    private static void report(Path file, String view, List<String> diffs, int compared) {
        if (!diffs.isEmpty()) {
            fail(file + " " + view + ": " + diffs.size() + " differences from readelf:\n  "
                    + String.join("\n  ", diffs.subList(0, Math.min(20, diffs.size()))));
        }
        assertTrue(compared > 0, file + " " + view + ": nothing compared");
        System.out.printf("text view %s %s: %d rows agree with readelf%n", view, file.getFileName(), compared);
    }

    private static void same(List<String> diffs, String where, String what, Object ours, Object theirs) {
        if (!Objects.equals(ours, theirs)) {
            diffs.add(where + ": " + what + ": modload " + ours + ", readelf " + theirs);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"x86_64-dyn.exe", "x86_64-dyn.so", "i386-dyn.so", "i386-dyn.exe", "x86_64.core",
        "i386.core", "x86_64-gdb.core", "cross/aarch64.exe", "cross/mips64.exe", "cross/s390x.exe"})
    void segmentsStateWhatReadelfLStates(String name) {
        Path file = file(name);
        List<Readelf.SegmentRow> theirs = Readelf.parseSegments(Readelf.run(file, "-l"));
        report(file, "--segments", segmentDiffs(rows("--segments", file, SEGMENTS_HEADER), theirs), theirs.size());
    }

    private static List<String> segmentDiffs(List<String[]> ours, List<Readelf.SegmentRow> theirs) {
        List<String> diffs = new ArrayList<>();
        same(diffs, "segments", "count", ours.size(), theirs.size());
        for (int i = 0; i < Math.min(ours.size(), theirs.size()); i++) {
            String[] o = ours.get(i);
            Readelf.SegmentRow t = theirs.get(i);
            String where = "segment " + i + " (" + t.type() + ")";
            same(diffs, where, "index", o[0], Integer.toString(i));
            same(diffs, where, "type", o[1], t.type());
            // Ours RWX, readelf's R, W and E.
            long flags = (o[2].charAt(0) == 'R' ? 4 : 0) | (o[2].charAt(1) == 'W' ? 2 : 0) | (o[2].charAt(2) == 'X' ? 1 : 0);
            same(diffs, where, "flags", BigInteger.valueOf(flags), t.flags());
            same(diffs, where, "offset", hex(o[3]), t.offset());
            same(diffs, where, "vaddr", hex(o[4]), t.vaddr());
            same(diffs, where, "paddr", hex(o[5]), t.paddr());
            same(diffs, where, "filesz", hex(o[6]), t.filesz());
            same(diffs, where, "memsz", hex(o[7]), t.memsz());
            same(diffs, where, "align", hex(o[8]), t.align());
        }
        return diffs;
    }

    /** readelf's versioned name: {@code name@VER (N)} needed, {@code name@@VER} defined, {@code name@VER} hidden. */
    private static final Pattern VERSIONED = Pattern.compile("^(.*?)(@@?)([^@ ]+)(?: \\((\\d+)\\))?$");
    /** Ours: {@code needs VER from FILE [N]}, {@code VER [N]}, {@code VER (hidden) [N]}. */
    private static final Pattern OUR_VERSION =
            Pattern.compile("^(?:needs (\\S+) from (.+)|(\\S+)( \\(hidden\\))?) \\[(\\d+)\\]$");

    @ParameterizedTest
    @ValueSource(strings = {"x86_64-dyn.exe", "x86_64-dyn.so", "i386-dyn.so", "i386-dyn.exe"})
    void dynamicSymbolsStateWhatReadelfDynSymsStates(String name) {
        Path file = file(name);
        List<Readelf.SymbolRow> theirs = Readelf.read(file).dynamicSymbols();
        report(file, "--dyn-syms", dynsymDiffs(rows("--dyn-syms", file, DYNSYMS_HEADER), theirs, needed(file)),
                theirs.size());
    }

    private static Map<Integer, Readelf.NeededVersion> needed(Path file) {
        return Readelf.parseNeededVersions(Readelf.run(file, "-V")).stream()
                .collect(Collectors.toMap(Readelf.NeededVersion::index, Function.identity()));
    }

    private static List<String> dynsymDiffs(List<String[]> ours, List<Readelf.SymbolRow> theirs,
            Map<Integer, Readelf.NeededVersion> needed) {
        List<String> diffs = new ArrayList<>();
        same(diffs, "dynsyms", "count", ours.size(), theirs.size());
        for (int i = 0; i < Math.min(ours.size(), theirs.size()); i++) {
            String[] o = ours.get(i);
            Readelf.SymbolRow t = theirs.get(i);
            String where = "dynsym " + i + " (" + t.name() + ")";
            same(diffs, where, "index", o[0], Integer.toString(t.index()));
            same(diffs, where, "value", hex(o[1]), t.value());
            same(diffs, where, "size", new BigInteger(o[2]), t.size());
            same(diffs, where, "type", o[3], t.type());
            same(diffs, where, "bind", o[4], t.bind());
            same(diffs, where, "visibility", o[5], t.visibility());
            same(diffs, where, "shndx", new BigInteger(o[6]), t.shndx());
            version(diffs, where, o[7], o[8], t.name(), needed);
        }
        return diffs;
    }

    private static void version(List<String> diffs, String where, String ourName, String ourVersion, String shown,
            Map<Integer, Readelf.NeededVersion> needed) {
        Matcher v = VERSIONED.matcher(shown);
        Matcher o = OUR_VERSION.matcher(ourVersion);
        if (!v.matches()) {
            same(diffs, where, "name", ourName, shown);
            // readelf shows no version for a symbol naming its own definition (FIX_2.0 in FIX_2.0).
            if (!ourVersion.isEmpty() && !(o.matches() && ourName.equals(o.group(3)) && o.group(4) == null)) {
                diffs.add(where + ": version: modload '" + ourVersion + "', readelf none");
            }
            return;
        }
        same(diffs, where, "name", ourName, v.group(1));
        if (!o.matches()) {
            diffs.add(where + ": version: modload '" + ourVersion + "', readelf " + shown);
            return;
        }
        if (v.group(4) != null) { // needed: name@VER (N)
            int index = Integer.parseInt(v.group(4));
            same(diffs, where, "needed version", o.group(1), v.group(3));
            same(diffs, where, "version index", o.group(5), v.group(4));
            Readelf.NeededVersion n = needed.get(index);
            same(diffs, where, "needed from", o.group(2), n == null ? null : n.file());
        } else {
            same(diffs, where, "defined version", o.group(3), v.group(3));
            same(diffs, where, "hidden", o.group(4) != null, v.group(2).equals("@"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"x86_64-dyn.exe", "x86_64-dyn.so", "i386-dyn.exe", "x86_64.core", "i386.core",
        "x86_64-gdb.core", "cross/aarch64.exe"})
    void notesStateWhatReadelfNStates(String name) {
        Path file = file(name);
        Readelf.Model model = Readelf.read(file);
        report(file, "--notes", noteDiffs(rows("--notes", file, NOTES_HEADER), model), model.notes().size());
    }

    private static List<String> noteDiffs(List<String[]> ours, Readelf.Model model) {
        List<Readelf.NoteRow> theirs = model.notes();
        List<String> diffs = new ArrayList<>();
        same(diffs, "notes", "count", ours.size(), theirs.size());
        for (int i = 0; i < Math.min(ours.size(), theirs.size()); i++) {
            String[] o = ours.get(i);
            Readelf.NoteRow t = theirs.get(i);
            String where = "note " + i + " (" + t.owner() + " " + t.type() + ")";
            same(diffs, where, "owner", o[1], t.owner());
            same(diffs, where, "type", o[2], t.type());
            same(diffs, where, "descsz", hex(o[3]), t.descsz());
            boolean first = i == 0 || !Objects.equals(theirs.get(i - 1).section(), t.section())
                    || !Objects.equals(theirs.get(i - 1).areaOffset(), t.areaOffset());
            if (first) {
                BigInteger area = t.areaOffset() != null ? t.areaOffset() : model.sections().stream()
                        .filter(s -> s.name().equals(t.section())).findFirst().orElseThrow().offset();
                same(diffs, where, "offset (its area's start)", hex(o[0]), area);
            }
        }
        return diffs;
    }

    /** Each comparison can fail: another file's rows, a changed version, a changed note disagree. */
    @Test
    void aWrongViewIsReported() {
        Path so = file("x86_64-dyn.so");
        Path exe = file("x86_64-dyn.exe");
        List<String> segments = segmentDiffs(rows("--segments", so, SEGMENTS_HEADER),
                Readelf.parseSegments(Readelf.run(exe, "-l")));
        assertTrue(segments.contains("segments: count: modload 6, readelf 11"), segments::toString);

        List<String[]> dynsyms = rows("--dyn-syms", exe, DYNSYMS_HEADER);
        List<Readelf.SymbolRow> theirs = Readelf.read(exe).dynamicSymbols();
        assertEquals(List.of(), dynsymDiffs(dynsyms, theirs, needed(exe)));
        // readelf: "3: ... UND fix_old@FIX_2.0 (3)", and -V: version 3 is FIX_2.0 of libdyn.so.
        assertEquals("needs FIX_2.0 from libdyn.so [3]", dynsyms.get(3)[8]);
        dynsyms.get(3)[8] = "needs FIX_2.0 from libc.so.6 [3]";
        assertEquals(List.of("dynsym 3 (fix_old@FIX_2.0 (3)): needed from: modload libc.so.6, readelf libdyn.so"),
                dynsymDiffs(dynsyms, theirs, needed(exe)));

        Readelf.Model model = Readelf.read(exe);
        List<String[]> notes = rows("--notes", exe, NOTES_HEADER);
        notes.get(1)[0] = "0x0";
        notes.get(2)[2] = "NT_GNU_BUILD_ID";
        List<String> diffs = noteDiffs(notes, model);
        assertEquals(2, diffs.size(), diffs::toString);
        assertTrue(diffs.get(0).startsWith("note 1 (GNU NT_GNU_BUILD_ID): offset (its area's start): modload 0,"),
                diffs.get(0));
        assertTrue(diffs.get(1).startsWith("note 2 (GNU NT_GNU_ABI_TAG): type: modload NT_GNU_BUILD_ID"), diffs.get(1));
    }
}
