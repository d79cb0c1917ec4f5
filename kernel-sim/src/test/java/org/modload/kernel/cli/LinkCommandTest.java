package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.SectionType;
import org.modload.loader.elf.Symbol;
import org.modload.loader.testing.ExternalTools;
import org.modload.loader.testing.LdDifferential;

/**
 * {@code modload link} checked from outside: its {@code layout.tsv}, {@code symbols.tsv} and
 * {@code .bin} files are fed to GNU ld (the same addresses and symbol values), whose output must
 * equal the {@code .bin} files byte for byte; located errors and exit statuses.
 */
class LinkCommandTest {

    private static CliRun modload(String... args) {
        return CliRun.run(args);
    }

    private static Path sample(Path dir, String arch, String module) throws IOException {
        Path p = dir.resolve(module + ".ko");
        try (InputStream in = LinkCommandTest.class.getResourceAsStream(
                "/org/modload/kernel/samples/" + arch + "/" + module + ".ko")) {
            Files.copy(in, p);
        }
        return p;
    }

    private static ElfFile parse(Path p) throws IOException {
        return ElfFile.parse(p.getFileName().toString(), ByteBuffer.wrap(Files.readAllBytes(p)));
    }

    /** Every undefined name of the object at {@code base + 0x40 * i}, in the file's format. */
    private static Path symbolsFile(Path dir, ElfFile obj, long base, boolean systemMap) throws IOException {
        StringBuilder sb = new StringBuilder();
        long a = base;
        for (Symbol s : obj.symbols()) {
            if (s.isUndefined() && !s.name().isEmpty()) {
                sb.append(systemMap ? String.format("%x T %s%n", a, s.name())
                        : String.format("%s\t0x%x%n", s.name(), a));
                a += 0x40;
            }
        }
        Path f = dir.resolve(systemMap ? "System.map" : "symbols.in.tsv");
        Files.writeString(f, sb);
        return f;
    }

    private static Map<String, Long> tsv(Path f) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(f)) {
            String[] cols = line.split("\t");
            assertEquals(2, cols.length, f + ": " + line);
            assertTrue(cols[1].startsWith("0x"), f + ": " + line);
            m.put(cols[0], Long.parseUnsignedLong(cols[1].substring(2), 16));
        }
        return m;
    }

    /** The .bin files of {@code out} equal ld's link of {@code object} at layout.tsv with symbols.tsv. */
    private static void assertMatchesGnuLd(Path object, Path out, Path work) throws IOException {
        ElfFile obj = parse(object);
        Map<String, Long> layout = tsv(out.resolve("layout.tsv"));
        Map<String, Long> symbols = tsv(out.resolve("symbols.tsv"));
        LdDifferential.LdImage ld = LdDifferential.forMachine(obj.machine()).link(object, obj, layout, symbols,
                Files.createDirectories(work));
        assertEquals(null, ld.failure());
        int compared = 0;
        for (String name : layout.keySet()) {
            Section ours = obj.section(name).orElseThrow(() -> new AssertionError("layout.tsv names " + name));
            byte[] bin = Files.readAllBytes(out.resolve(name.replace('/', '_') + ".bin"));
            assertEquals(ours.size(), bin.length, name + ".bin size");
            if (ours.size() == 0 || name.equals(".note.gnu.build-id")) {
                continue;
            }
            Section theirs = ld.section(ours.index()).orElseThrow(() -> new AssertionError(name + " not in ld output"));
            assertEquals(layout.get(name), theirs.header().addr(), name + " address");
            byte[] expected = new byte[bin.length];
            if (!theirs.type().equals(SectionType.SHT_NOBITS)) {
                theirs.bytes().get(expected);
            }
            assertArrayEquals(expected, bin, name + ".bin differs from GNU ld");
            compared++;
        }
        assertTrue(compared >= 4, "only " + compared + " sections compared");
    }

    @ParameterizedTest
    @CsvSource({"x86_64,hello,false", "x86_64,demo_core,true", "i386,demo_user,false", "i386,hello,true"})
    void imageFilesMatchGnuLd(String arch, String module, boolean systemMap, @TempDir Path dir) throws IOException {
        Path object = sample(dir, arch, module);
        long kernel = arch.equals("x86_64") ? 0xffffffff81200000L : 0xc1200000L;
        Path symbols = symbolsFile(dir, parse(object), kernel, systemMap);
        CliRun r = modload("link", object.toString(), "--symbols", symbols.toString(), "--out", dir.resolve("out").toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        assertMatchesGnuLd(object, dir.resolve("out"), dir.resolve("work"));
    }

    @Test
    void layoutFilePinsSectionsAndBaseMovesTheRest(@TempDir Path dir) throws IOException {
        Path object = sample(dir, "x86_64", "demo_core");
        Path symbols = symbolsFile(dir, parse(object), 0xffffffff81200000L, false);
        Path pins = dir.resolve("pins.tsv");
        Files.writeString(pins, ".text\t0xffffffffa0001000\n.data\t0xffffffffa0100000\n");
        Path out = dir.resolve("out");
        CliRun r = modload("link", object.toString(), "--symbols", symbols.toString(), "--layout", pins.toString(),
                "--base", "0xffffffffa0200000", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        Map<String, Long> layout = tsv(out.resolve("layout.tsv"));
        assertEquals(0xffffffffa0001000L, layout.get(".text"));
        assertEquals(0xffffffffa0100000L, layout.get(".data"));
        layout.forEach((name, address) -> {
            if (!name.equals(".text") && !name.equals(".data")) {
                assertTrue(Long.compareUnsigned(address, 0xffffffffa0200000L) >= 0, name + " below --base");
            }
        });
        assertMatchesGnuLd(object, out, dir.resolve("work"));
    }

    @Test
    void unresolvedSymbolIsOneLocatedLine(@TempDir Path dir) throws IOException {
        Path object = sample(dir, "x86_64", "hello");
        Path symbols = dir.resolve("empty.tsv");
        Files.writeString(symbols, "");
        CliRun r = modload("link", object.toString(), "--symbols", symbols.toString(), "--out", dir.resolve("o").toString());
        assertEquals(1, r.status());
        ElfFile obj = parse(object);
        Section symtab = obj.symbolTable().orElseThrow();
        String first = obj.symbols().stream().filter(s -> s.isUndefined() && !s.name().isEmpty()).findFirst()
                .orElseThrow().name();
        assertEquals("hello.ko: section header " + symtab.index() + " (.symtab): undefined symbol '" + first + "'\n",
                r.err());
    }

    @Test
    void pcRelativeOutOfReachIsRefusedWithTheLldStyleMessage(@TempDir Path dir) throws IOException {
        Path object = sample(dir, "x86_64", "hello");
        // First a good link, for the address of .init.text.
        Path near = symbolsFile(dir, parse(object), 0xffffffff81200000L, false);
        assertEquals(0, modload("link", object.toString(), "--symbols", near.toString(), "--out",
                dir.resolve("good").toString()).status());
        long init = tsv(dir.resolve("good/layout.tsv")).get(".init.text");
        // hello.ko.readelf: .rela.init.text 0xe R_X86_64_PLT32 _printk - 4; the kernel at 4 GiB is out of reach.
        Path far = dir.resolve("far.tsv");
        Files.writeString(far, "_printk\t0x100000000\n");
        CliRun r = modload("link", object.toString(), "--symbols", far.toString(), "--out", dir.resolve("o").toString());
        assertEquals(1, r.status());
        long value = 0x100000000L - 4 - (init + 0xe);
        assertEquals("hello.ko:(.init.text+0xe): relocation R_X86_64_PLT32 out of range: " + value
                + " is not in [-2147483648, 2147483647]; references '_printk'\n", r.err());
    }

    /** The value of string field {@code key} of one trace line. */
    private static String field(String line, String key) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + key + "\":\"((?:[^\"\\\\]|\\\\.)*)\"")
                .matcher(line);
        assertTrue(m.find(), key + " in " + line);
        return m.group(1);
    }

    private static long hex(String s) {
        assertTrue(s.startsWith("0x"), s);
        return Long.parseUnsignedLong(s.substring(2), 16);
    }

    private static byte[] unhex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }

    /** The relocations the engine applies to {@code obj}, in its order: those of loaded sections. */
    private static List<String> appliedSites(ElfFile obj) {
        List<String> sites = new java.util.ArrayList<>();
        for (var rs : obj.relocationSections()) {
            if (rs.target().isAllocated()) {
                rs.entries().forEach(e -> sites.add(rs.target().name() + "+0x" + Long.toHexString(e.offset())));
            }
        }
        return sites;
    }

    /**
     * {@code --trace}: one line per applied relocation, in the engine's order; each line's P is the
     * section's address (layout.tsv) plus the offset, S the symbols file's value, its bytes before
     * the object's own and after those of the written .bin file.
     */
    @Test
    void traceShowsHowEverySiteGotItsValue(@TempDir Path dir) throws IOException {
        Path object = sample(dir, "x86_64", "demo_core");
        ElfFile obj = parse(object);
        Path symbols = symbolsFile(dir, obj, 0xffffffff81200000L, false);
        Map<String, Long> given = tsv(symbols);
        Path out = dir.resolve("out");
        Path trace = dir.resolve("trace.jsonl");
        CliRun r = modload("link", object.toString(), "--symbols", symbols.toString(), "--trace", trace.toString(),
                "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        List<String> lines = Files.readAllLines(trace);
        List<String> sites = appliedSites(obj);
        assertEquals(sites.size(), lines.size());
        Map<String, Long> layout = tsv(out.resolve("layout.tsv"));
        int withSymbol = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String section = field(line, "section");
            long offset = hex(field(line, "offset"));
            assertEquals(sites.get(i), section + "+0x" + Long.toHexString(offset), line);
            assertEquals(layout.get(section) + offset, hex(field(line, "P")), line);
            String symbol = field(line, "symbol");
            if (given.containsKey(symbol)) {
                assertEquals(given.get(symbol), hex(field(line, "S")), line);
                withSymbol++;
            }
            int at = (int) hex(field(line, "bytes_at"));
            byte[] before = unhex(field(line, "before"));
            byte[] after = unhex(field(line, "after"));
            Section s = obj.section(section).orElseThrow();
            byte[] original = new byte[before.length];
            s.bytes().get(at, original);
            assertArrayEquals(original, before, line);
            byte[] bin = Files.readAllBytes(out.resolve(section.replace('/', '_') + ".bin"));
            assertArrayEquals(java.util.Arrays.copyOfRange(bin, at, at + after.length), after, line);
        }
        assertTrue(withSymbol > 0, "no site against a symbol of the symbols file");
        assertTrue(lines.get(0).startsWith("{\"file\":\"demo_core.ko\",\"section\":"), lines.get(0));
    }

    /** On a failing link, the lines of the relocations applied before it, then the refused one with its error. */
    @Test
    void traceOfAFailingLinkEndsWithTheRefusal(@TempDir Path dir) throws IOException {
        Path object = sample(dir, "x86_64", "hello");
        ElfFile obj = parse(object);
        Path far = dir.resolve("far.tsv");
        Files.writeString(far, "_printk\t0x100000000\n");
        Path trace = dir.resolve("trace.jsonl");
        CliRun r = modload("link", object.toString(), "--symbols", far.toString(), "--trace", trace.toString(), "--out",
                dir.resolve("o").toString());
        assertEquals(1, r.status());
        List<String> lines = Files.readAllLines(trace);
        List<String> sites = appliedSites(obj);
        int refused = sites.indexOf(".init.text+0xe");
        assertTrue(refused >= 0);
        assertEquals(refused + 1, lines.size(), String.join("\n", lines));
        for (int i = 0; i < refused; i++) {
            assertTrue(!lines.get(i).contains("\"error\":"), lines.get(i));
        }
        String last = lines.get(refused);
        assertEquals(".init.text", field(last, "section"));
        assertEquals("R_X86_64_PLT32", field(last, "type"));
        assertEquals("L + A - P", field(last, "formula"));
        assertEquals(0x100000000L, hex(field(last, "S")));
        assertTrue(last.contains("\"A\":-4,"), last);
        assertEquals(r.err().strip(), field(last, "error"));
    }

    @Test
    void traceToStandardOutput(@TempDir Path dir) throws IOException {
        Path object = sample(dir, "x86_64", "hello");
        Path symbols = symbolsFile(dir, parse(object), 0xffffffff81200000L, false);
        CliRun r = modload("link", object.toString(), "--symbols", symbols.toString(), "--trace", "-", "--out",
                dir.resolve("o").toString());
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(appliedSites(parse(object)).size(), lines.size());
        lines.forEach(l -> assertTrue(l.startsWith("{\"file\":\"hello.ko\"") && l.endsWith("}"), l));
    }

    @Test
    void usageErrorsExitTwo(@TempDir Path dir) throws IOException {
        Path object = sample(dir, "x86_64", "hello");
        CliRun missingOut = modload("link", object.toString());
        assertEquals(2, missingOut.status());
        assertTrue(missingOut.err().contains("--out"), missingOut.err());
        List<String> lines = missingOut.err().lines().toList();
        assertTrue(lines.size() >= 1);
    }

    @Test
    void a32BitImageBeyond4GiBIsRefused(@TempDir Path dir) throws IOException {
        Path object = sample(dir, "i386", "hello");
        Path symbols = symbolsFile(dir, parse(object), 0xc1200000L, false);
        CliRun r = modload("link", object.toString(), "--symbols", symbols.toString(), "--base", "0xffffe000",
                "--out", dir.resolve("o").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("hello.ko: '") && r.err().endsWith("does not fit in a 32-bit address space\n"),
                r.err());
    }

    /** The ia64 kernel functions chardev calls, as descriptors {desc, ip, gp}; jiffies is data. */
    private static final String IA64_SYMBOLS = """
            printk\t0xa000000100c00000\t0xa000000100100000\t0xa000000101000000
            memcpy\t0xa000000100c00010\t0xa000000100100040\t0xa000000101000000
            module_put\t0xa000000100c00020\t0xa000000100100080\t0xa000000101000000
            register_chrdev\t0xa000000100c00030\t0xa0000001001000c0\t0xa000000101000000
            try_module_get\t0xa000000100c00040\t0xa000000100100100\t0xa000000101000000
            unregister_chrdev\t0xa000000100c00050\t0xa000000100100140\t0xa000000101000000
            jiffies\t0xa000000100e00000
            """;

    private static Path ia64Module(Path dir) throws IOException {
        Path p = dir.resolve("chardev_o2.ko");
        try (InputStream in = LinkCommandTest.class.getResourceAsStream("/org/modload/kernel/ia64/chardev_o2.ko")) {
            Files.copy(in, p);
        }
        return p;
    }

    @Test
    void ia64TablesAndGpAreListedWithTheirBytes(@TempDir Path dir) throws IOException {
        Path object = ia64Module(dir);
        Path symbols = Files.writeString(dir.resolve("kernel.tsv"), IA64_SYMBOLS);
        Path out = dir.resolve("out");
        CliRun r = modload("link", object.toString(), "--symbols", symbols.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        Map<String, Long> layout = tsv(out.resolve("layout.tsv"));
        for (String table : List.of(".core.plt", ".init.plt", ".got", ".opd")) {
            assertTrue(layout.containsKey(table), table + " in layout.tsv: " + layout.keySet());
            assertTrue(Files.size(out.resolve(table + ".bin")) > 0, table + ".bin");
        }
        long gp = layout.get("__gp");
        long coreStart = layout.get(".text");
        assertTrue(gp > coreStart && gp - coreStart < (1 << 21), "gp within 2 MiB of the core's start");
        // The module's one export is a descriptor in .opd holding the module's gp (ld -r keeps FPTR64LSB).
        byte[] opd = Files.readAllBytes(out.resolve(".opd.bin"));
        ByteBuffer b = ByteBuffer.wrap(opd).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(gp, b.getLong(8), "the first descriptor's gp");
    }

    @Test
    void ia64CallWithoutDescriptorContentsIsALocatedError(@TempDir Path dir) throws IOException {
        Path object = ia64Module(dir);
        Path symbols = Files.writeString(dir.resolve("kernel.tsv"),
                IA64_SYMBOLS.replace("printk\t0xa000000100c00000\t0xa000000100100000\t0xa000000101000000",
                        "printk\t0xa000000100c00000"));
        CliRun r = modload("link", object.toString(), "--symbols", symbols.toString(), "--out", dir.resolve("o").toString());
        assertEquals(1, r.status());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("chardev_o2.ko:(") && r.err().contains("descriptor")
                && r.err().contains("references 'printk'"), r.err());
    }

    private static Path assemble(Path dir, String name, String source) throws IOException, InterruptedException {
        Path s = dir.resolve(name + ".s");
        Files.writeString(s, source);
        Path o = dir.resolve(name + ".o");
        Process p = new ProcessBuilder(ExternalTools.require("as", "binutils").toString(), "--64", "-o", o.toString(),
                s.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), log);
        return o;
    }

    /**
     * Several objects in one image: one object's definitions satisfy the other's references,
     * sections are named file:section, defined.tsv lists the global definitions (name, address,
     * size, type, binding as readelf shows them), and a link that leaves names unresolved lists
     * every one of them, then the count.
     */
    @Test
    void severalObjectsDefinedSymbolsAndEveryUnresolvedName(@TempDir Path dir) throws Exception {
        Path a = assemble(dir, "a", "\t.text\n\t.globl f\n\t.type f, @function\nf:\tcall g\n\tret\n\t.size f, .-f\n");
        Path b = assemble(dir, "b", "\t.text\n\t.globl g\n\t.type g, @function\ng:\tret\n\t.size g, .-g\n"
                + "\t.data\n\t.globl v\n\t.type v, @object\nv:\t.quad 7\n\t.size v, 8\n");
        Path out = dir.resolve("out");
        CliRun r = modload("link", a.toString(), b.toString(), "--profile", "PERMISSIVE", "--base", "0x400000", "--out",
                out.toString());
        assertEquals(0, r.status(), r.err());
        Map<String, Long> layout = tsv(out.resolve("layout.tsv"));
        long aText = layout.get("a.o:.text");
        long bText = layout.get("b.o:.text");
        long bData = layout.get("b.o:.data");
        // readelf -s: f is FUNC GLOBAL size 6 at .text+0 of a.o; g FUNC size 1 at .text+0 of b.o; v OBJECT size 8.
        assertEquals(List.of("f\t0x" + Long.toHexString(aText) + "\t6\tSTT_FUNC\tSTB_GLOBAL",
                "g\t0x" + Long.toHexString(bText) + "\t1\tSTT_FUNC\tSTB_GLOBAL",
                "v\t0x" + Long.toHexString(bData) + "\t8\tSTT_OBJECT\tSTB_GLOBAL"),
                Files.readAllLines(out.resolve("defined.tsv")));
        ByteBuffer text = ByteBuffer.wrap(Files.readAllBytes(out.resolve("a.o_.text.bin")))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(bText, aText + 5 + text.getInt(1), "call g reaches b.o's g");

        Path c = assemble(dir, "c", "\t.text\n\tcall x\n\tcall y\n");
        CliRun missing = modload("link", a.toString(), c.toString(), "--profile", "PERMISSIVE", "--out",
                dir.resolve("out2").toString());
        assertEquals(1, missing.status());
        int symtabA = parse(a).symbolTable().orElseThrow().index();
        int symtabC = parse(c).symbolTable().orElseThrow().index();
        assertEquals("a.o: section header " + symtabA + " (.symtab): undefined symbol 'g'\n"
                + "c.o: section header " + symtabC + " (.symtab): undefined symbol 'x'\n"
                + "c.o: section header " + symtabC + " (.symtab): undefined symbol 'y'\n"
                + "3 undefined symbols\n", missing.err());
    }
}
