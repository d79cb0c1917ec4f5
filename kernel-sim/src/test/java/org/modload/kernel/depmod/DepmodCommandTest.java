package org.modload.kernel.depmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.kernel.cli.Main;
import org.modload.kernel.depmod.TestTree.Module;

/** {@code modload depmod} as a command: its standard output and warnings against kmod's, and its failures. */
class DepmodCommandTest {

    private static final Pattern KMOD_UNKNOWN = Pattern.compile("^depmod: WARNING: (.*) needs unknown symbol (.*)$");
    private static final Pattern OUR_UNKNOWN = Pattern.compile("^modload: warning: (.*) needs unknown symbol (.*)$");

    @TempDir
    Path tmp;

    private record Result(int status, String out, String err) {
    }

    private static Result modload(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(status, out.toString(), err.toString());
    }

    private TestTree tree() {
        return new TestTree(tmp.resolve("root"), true)
                .add("kernel/lib/core.ko", Module.exporting("core_op").calling("printk", "__this_module"))
                .add("kernel/lib/helper.ko", Module.exporting("helper_op").calling("core_op", "ghost_op", "kmalloc"))
                .add("kernel/drivers/user.ko", Module.exporting().calling("helper_op", "missing_op", "core_op")
                        .weakly("optional_op"))
                .order("kernel/lib/core.ko", "kernel/lib/helper.ko", "kernel/drivers/user.ko");
    }

    /** printk and kmalloc are the kernel's; ghost_op is a module's, which depmod ignores in Module.symvers. */
    private Path symvers() throws IOException {
        Path p = tmp.resolve("Module.symvers");
        Files.writeString(p, "0x1b2c3d4e\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n"
                + "0x00000001\tkmalloc\tvmlinux\tEXPORT_SYMBOL_GPL\t\n"
                + "0xdeadbeef\tghost_op\tdrivers/ghost/ghost\tEXPORT_SYMBOL\tGHOST\n");
        return p;
    }

    @Test
    void printsKmodsModulesDep() throws IOException {
        TestTree t = tree();
        Result r = modload("depmod", "--tree", t.dir().toString(), "--symvers", symvers().toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        List<String> kmod = KmodDepmod.modulesDep(t.root(), TestTree.VERSION);
        assertEquals(String.join("\n", kmod) + "\n", r.out());
    }

    @Test
    void errsymsReportsTheUnknownSymbolsKmodReports() throws IOException {
        TestTree t = tree();
        Path symvers = symvers();
        KmodDepmod.Run kmod = KmodDepmod.run(t.root(), TestTree.VERSION, List.of("-e", "-E", symvers.toString()));
        assertEquals(0, kmod.status(), kmod.stderr());
        List<String> expected = unknown(kmod.stderr(), KMOD_UNKNOWN);
        assertFalse(expected.isEmpty(), "the tree should make kmod report unknown symbols");

        Result r = modload("depmod", "--tree", t.dir().toAbsolutePath().toString(), "--symvers", symvers.toString(), "-e");
        assertEquals(0, r.status(), r.err());
        assertEquals(expected, unknown(r.err(), OUR_UNKNOWN));
        assertEquals(String.join("\n", kmod.modulesDep()) + "\n", r.out());
    }

    /** "path symbol" per unknown-symbol warning, in order; other lines (such as CRC warnings) are ignored. */
    private static List<String> unknown(String stderr, Pattern p) {
        List<String> out = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            Matcher m = p.matcher(line);
            if (m.matches()) {
                out.add(m.group(1) + " " + m.group(2));
            }
        }
        return out;
    }

    @Test
    void missingTreeIsAUsageError() throws IOException {
        Result r = modload("depmod", "--symvers", symvers().toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--tree"), r.err());
    }

    @Test
    void malformedSymversIsOneLocatedLine() throws IOException {
        TestTree t = tree();
        Path bad = tmp.resolve("bad.symvers");
        Files.writeString(bad, "0x1b2c3d4e\tprintk\tvmlinux\tEXPORT_SYMBOL\t\nzz\tkmalloc\tvmlinux\tEXPORT_SYMBOL\t\n");
        Result r = modload("depmod", "--tree", t.dir().toString(), "--symvers", bad.toString());
        assertOneLine(r, bad + ":2: 'zz' is not a 32-bit hexadecimal CRC (0x...)");
        assertEquals("", r.out());
    }

    @Test
    void aCycleIsOneLine() throws IOException {
        TestTree t = new TestTree(tmp.resolve("root"), true)
                .add("kernel/a.ko", Module.exporting("a_op").calling("b_op"))
                .add("kernel/b.ko", Module.exporting("b_op").calling("a_op"))
                .order("kernel/a.ko", "kernel/b.ko");
        Result r = modload("depmod", "--tree", t.dir().toString(), "--symvers", symvers().toString());
        assertOneLine(r, t.dir() + ": dependency cycle: kernel/a.ko -> kernel/b.ko -> kernel/a.ko"
                + " (2 modules in dependency cycles)");
    }

    @Test
    void aModuleThatIsNotElfIsNamedByItsPathInTheTree() throws IOException {
        TestTree t = tree().write("kernel/broken/junk.ko", "not an ELF file at all, just text\n");
        Result r = modload("depmod", "--tree", t.dir().toString(), "--symvers", symvers().toString());
        assertEquals(1, r.status());
        assertTrue(r.err().matches("(modload: )?kernel/broken/junk\\.ko[^\n]*\n"), r.err());
    }

    @Test
    void aBadKernelImageIsOneLine() throws IOException {
        TestTree t = tree();
        Path image = tmp.resolve("vmlinuz");
        Files.write(image, new byte[1024]);
        Result r = modload("depmod", "--tree", t.dir().toString(), "--symvers", symvers().toString(),
                "--kernel-image", image.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().matches("(modload: )?vmlinuz: [^\n]*\n"), r.err());
    }

    /** kmod keeps one of two files of a name without a word; we keep the same kind of choice and say so. */
    @Test
    void twoModulesOfOneNameAreReportedAndOneIsListed() throws IOException {
        TestTree t = tree().add("kernel/other/helper.ko", Module.exporting("helper_op").calling("core_op"));
        Result r = modload("depmod", "--tree", t.dir().toString(), "--symvers", symvers().toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("modload: warning: kernel/other/helper.ko: duplicate module name helper, also kernel/lib/helper.ko"
                + " (modules.dep lists that one)\n", r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.stream().noneMatch(l -> l.contains("kernel/other/")), r.out());
        // kmod lists one file for the name too (which one follows its readdir order).
        List<String> kmod = KmodDepmod.modulesDep(t.root(), TestTree.VERSION);
        assertEquals(3, kmod.size(), kmod.toString());
    }

    @Test
    void aMissingTreeIsOneLine() throws IOException {
        Path none = tmp.resolve("none");
        Result r = modload("depmod", "--tree", none.toString(), "--symvers", symvers().toString());
        assertOneLine(r, none + ": no such directory");
    }

    /** Exit status 1 and {@code message} as the one line on standard error, with or without "modload: ". */
    private static void assertOneLine(Result r, String message) {
        assertEquals(1, r.status(), r.err());
        String err = r.err().startsWith("modload: ") ? r.err().substring("modload: ".length()) : r.err();
        assertEquals(message + "\n", err);
    }
}
