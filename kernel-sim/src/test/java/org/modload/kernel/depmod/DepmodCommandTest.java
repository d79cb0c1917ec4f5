package org.modload.kernel.depmod;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.cli.KmodTools;
import org.modload.kernel.depmod.TestTree.Exports;
import org.modload.kernel.depmod.TestTree.Module;

/**
 * {@code modload depmod} against kmod 30's {@code depmod}, both run on copies of one synthetic tree
 * assembled at test time: every file each writes into {@code BASE/lib/modules/VERSION} (the
 * binary indexes included) byte for byte, {@code -n}'s standard output, the warnings, the exit
 * status. kmod's output is the only expectation; the tree is built to reach each writer's rules
 * (aliases with patterns and unbalanced brackets, repeated aliases for {@code -w}, softdeps,
 * devname aliases with and without a major, built-in modules and their aliases, weak and unknown
 * symbols, CRCs that disagree with Module.symvers, a symbol exported twice).
 */
class DepmodCommandTest {

    @TempDir
    Path tmp;

    /** A tree that reaches every file's writer. */
    private TestTree tree(Path root) {
        return new TestTree(root, true)
                .add("kernel/lib/core.ko", Module.exporting("core_op", "shared_op").calling("printk", "__this_module")
                        .versions("printk", "module_layout")
                        .info("license=GPL", "alias=pci:v00008086d0000100Esv*sd*bc*sc*i*", "alias=core-alias",
                                "alias=core-alias", "softdep=pre: helper", "description=core"))
                .add("kernel/lib/helper.ko", Module.exporting("helper_op", "shared_op")
                        .calling("core_op", "ghost_op", "kmalloc").versions("core_op", "kmalloc")
                        .info("alias=usb:v*p*d*dc*dsc*dp*ic09isc*ip*in*", "alias=net-pf-[0-9]", "alias=bad]bracket",
                                "alias=devname:helper", "alias=char-major-10-229", "softdep=post: core"))
                .add("kernel/drivers/user-dev.ko", Module.exporting().calling("helper_op", "missing_op", "core_op")
                        .weakly("optional_op").info("alias=devname:lonely", "alias=block-major-7-*", "noequals"))
                .add("kernel/drivers/blk.ko.xz", Module.exporting("blk_op").style(Exports.STRINGS_ONLY)
                        .calling("printk").info("alias=devname:loop-control", "alias=char-major-10-237",
                                "alias=block-major-7-*"))
                .add("kernel/fs/fat.ko.zst", Module.exporting("fat_op").calling("blk_op", "shared_op")
                        .info("alias=fs-vfat", "alias=fs-msdos"))
                .add("updates/extra.ko", Module.exporting().calling("fat_op"))
                .order("kernel/lib/core.ko", "kernel/drivers/blk.ko", "kernel/lib/helper.ko", "kernel/fs/fat.ko",
                        "kernel/drivers/user-dev.ko")
                .write("modules.builtin", "kernel/crypto/aes_generic.ko\nkernel/fs/ext4/ext4.ko\n"
                        + "kernel/drivers/x-y.ko\n9bad/line.ko\n")
                .write("modules.builtin.modinfo", "ext4.alias=fs-ext4\0ext4.alias=ext3\0ext4.license=GPL\0"
                        + "aes_generic.alias=crypto-aes\0aes_generic.alias=aes\0ext4.alias=fs-ext[23]\0"
                        + "noequals\0x_y.alias=x-y-alias\0x_y.alias=bad]one\0ext4.softdep=pre: crc32c\0");
    }

    /** Two copies of one tree: kmod's and ours. */
    private record Bases(Path kmod, Path ours) {
        Path kmodDir() {
            return kmod.resolve("lib/modules/" + TestTree.VERSION);
        }

        Path ourDir() {
            return ours.resolve("lib/modules/" + TestTree.VERSION);
        }
    }

    private Bases bases() {
        Path source = tmp.resolve("source");
        tree(source);
        return new Bases(copy(source, tmp.resolve("kmod")), copy(source, tmp.resolve("ours")));
    }

    private Path symvers() throws IOException {
        Path p = tmp.resolve("Module.symvers");
        Files.writeString(p, "0x1b2c3d4e\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n"
                + "0x" + Integer.toHexString("kmalloc".hashCode()) + "\tkmalloc\tvmlinux\tEXPORT_SYMBOL_GPL\t\n"
                + "0x" + Integer.toHexString("module_layout".hashCode()) + " module_layout vmlinux EXPORT_SYMBOL\n"
                + "0xdeadbeef\tghost_op\tdrivers/ghost/ghost\tEXPORT_SYMBOL\tGHOST\n"
                + "zz\tbroken\tvmlinux\tEXPORT_SYMBOL\n"
                + "0x1\tnewline_only\tvmlinux\n");
        return p;
    }

    private Path systemMap() throws IOException {
        Path p = tmp.resolve("System.map");
        Files.writeString(p, "ffffffff81000000 T printk\nffffffff82000000 r __ksymtab_printk\n"
                + "ffffffff82000010 r __ksymtab_kmalloc\nnonsense\nffffffff82000020 r __ksymtab_module_layout\n");
        return p;
    }

    /** kmod's and our run, with each base directory replaced by BASE in what they print. */
    private static KmodTools.Run[] both(Bases b, List<String> options) {
        KmodTools.Run kmod = KmodTools.kmod("depmod", args(b.kmod(), options));
        KmodTools.Run ours = KmodTools.modload("depmod", args(b.ours(), options));
        return new KmodTools.Run[] {based(kmod, b.kmod()), based(ours, b.ours())};
    }

    private static List<String> args(Path base, List<String> options) {
        List<String> a = new ArrayList<>(List.of("-b", base.toString()));
        for (String o : options) {
            a.add(o.replace("BASE", base.toString()));
        }
        if (options.stream().noneMatch(o -> o.equals(TestTree.VERSION))) {
            a.add(TestTree.VERSION);
        }
        return a;
    }

    private static KmodTools.Run based(KmodTools.Run r, Path base) {
        return new KmodTools.Run(r.status(), r.out().replace(base.toString(), "BASE"), r.err().replace(base.toString(), "BASE"));
    }

    /** Every file of both module directories, by name, byte for byte; returns how many. */
    private static int assertSameFiles(Bases b) throws IOException {
        List<String> kmodFiles = names(b.kmodDir());
        assertEquals(kmodFiles, names(b.ourDir()), "files in the module directory");
        List<Runnable> checks = new ArrayList<>();
        for (String f : kmodFiles) {
            if (Files.isRegularFile(b.kmodDir().resolve(f))) {
                byte[] k = Files.readAllBytes(b.kmodDir().resolve(f));
                byte[] o = Files.readAllBytes(b.ourDir().resolve(f));
                checks.add(() -> assertArrayEquals(k, o, f + " differs from kmod's"));
            }
        }
        assertAll(checks.stream().map(r -> (org.junit.jupiter.api.function.Executable) r::run));
        return kmodFiles.size();
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-w", "-e -E SYMVERS", "-e -F SYSTEMMAP", "-E SYMVERS", "-v", "-a", "-w -e -E SYMVERS -v"})
    void everyFileAgreesWithKmodsByteForByte(String options) throws IOException {
        Bases b = bases();
        KmodTools.Run[] r = both(b, options(options));
        assertEquals(0, r[0].status(), r[0].err());
        assertEquals(r[0], r[1]);
        int files = assertSameFiles(b);
        // The ten files kmod 30 writes, and the three inputs (modules.order, modules.builtin{,.modinfo}).
        assertEquals(15, files, names(b.kmodDir()).toString());
    }

    private List<String> options(String options) throws IOException {
        List<String> out = new ArrayList<>();
        for (String o : options.split(" ")) {
            if (o.equals("SYMVERS")) {
                out.add(symvers().toString());
            } else if (o.equals("SYSTEMMAP")) {
                out.add(systemMap().toString());
            } else if (!o.isEmpty()) {
                out.add(o);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"-n", "-n -w", "-n -e -E SYMVERS", "-n -v", "--show -e -F SYSTEMMAP", "--dry-run -P _"})
    void dryRunPrintsWhatKmodPrintsAndWritesNothing(String options) throws IOException {
        Bases b = bases();
        List<String> before = names(b.ourDir());
        KmodTools.Run[] r = both(b, options(options));
        assertEquals(0, r[0].status(), r[0].err());
        assertTrue(r[0].out().contains("# Aliases extracted from modules themselves."), r[0].out());
        assertEquals(r[0], r[1]);
        assertEquals(before, names(b.ourDir()));
    }

    @Test
    void aTreeWithoutOrderAndBuiltinFilesWarnsAsKmodDoes() throws IOException {
        Path source = tmp.resolve("bare");
        new TestTree(source, false)
                .add("kernel/a.ko", Module.exporting("a_op").info("alias=a-alias"))
                .add("kernel/b.ko", Module.exporting().calling("a_op"));
        Bases b = new Bases(copy(source, tmp.resolve("kmod")), copy(source, tmp.resolve("ours")));
        KmodTools.Run[] r = both(b, List.of());
        assertTrue(r[0].err().contains("could not open modules.builtin"), r[0].err());
        assertEquals(r[0], r[1]);
        assertSameFiles(b);
        assertEquals(0, Files.size(b.ourDir().resolve("modules.builtin.bin")));
    }

    @Test
    void anEmptyTreeGivesKmodsEmptyIndexes() throws IOException {
        Path source = Files.createDirectories(tmp.resolve("empty/lib/modules/" + TestTree.VERSION));
        Bases b = new Bases(copy(source.getParent().getParent().getParent(), tmp.resolve("kmod")),
                copy(source.getParent().getParent().getParent(), tmp.resolve("ours")));
        KmodTools.Run[] r = both(b, List.of());
        assertEquals(r[0], r[1]);
        assertSameFiles(b);
    }

    @Test
    void quickRewritesOnlyWhenAModuleIsNewerThanModulesDep() throws IOException {
        Bases b = bases();
        KmodTools.Run[] first = both(b, List.of("-A"));
        assertTrue(first[0].err().contains("could not fstatat(BASE/lib/modules/" + TestTree.VERSION + ", modules.dep)"),
                first[0].err());
        assertEquals(first[0], first[1]);
        assertSameFiles(b);
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 100_000);
        for (Path dir : List.of(b.kmodDir(), b.ourDir())) {
            Files.writeString(dir.resolve("modules.dep"), "stale\n");
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.filter(p -> p.toString().contains(".ko")).toList()) {
                    Files.setLastModifiedTime(p, old);
                }
            }
        }
        KmodTools.Run[] upToDate = both(b, List.of("-A"));
        assertEquals(new KmodTools.Run(0, "", ""), upToDate[0]);
        assertEquals(upToDate[0], upToDate[1]);
        assertEquals("stale\n", Files.readString(b.ourDir().resolve("modules.dep")));
        assertSameFiles(b);
        // -A with -n does nothing at all in kmod.
        assertEquals(both(b, List.of("-A", "-n"))[0], both(b, List.of("-A", "-n"))[1]);

        FileTime newer = FileTime.fromMillis(System.currentTimeMillis() + 100_000);
        Files.setLastModifiedTime(b.kmodDir().resolve("kernel/fs/fat.ko.zst"), newer);
        Files.setLastModifiedTime(b.ourDir().resolve("kernel/fs/fat.ko.zst"), newer);
        KmodTools.Run[] outdated = both(b, List.of("-A"));
        assertEquals(outdated[0], outdated[1]);
        assertNotEquals("stale\n", Files.readString(b.ourDir().resolve("modules.dep")));
        assertSameFiles(b);
    }

    @Test
    void moduleFilesNamedOnTheCommandLineAreTheOnlyOnesRead() throws IOException {
        Bases b = bases();
        String dir = "BASE/lib/modules/" + TestTree.VERSION + "/";
        Path outside = tmp.resolve("outside");
        new TestTree(outside, true).add("kernel/far.ko", Module.exporting().calling("core_op").info("alias=far"));
        Path far = outside.resolve("lib/modules/" + TestTree.VERSION + "/kernel/far.ko");
        KmodTools.Run[] r = both(b, List.of("-e", "-E", symvers().toString(), TestTree.VERSION, dir + "kernel/lib/core.ko",
                dir + "kernel/fs/fat.ko.zst", dir + "kernel/drivers/blk.ko.xz", far.toString()));
        assertEquals(0, r[0].status(), r[0].err());
        assertEquals(r[0], r[1]);
        assertSameFiles(b);
        assertTrue(Files.readString(b.ourDir().resolve("modules.dep")).contains(far + ": kernel/lib/core.ko"));
    }

    @Test
    void deprecatedOptionsAreIgnoredWithKmodsWarnings() throws IOException {
        Bases b = bases();
        KmodTools.Run[] r = both(b, List.of("-n", "-u", "--quiet", "-rm", "--map", "--root"));
        assertTrue(r[0].err().contains("Ignored deprecated option -u"), r[0].err());
        assertEquals(r[0], r[1]);
    }

    @Test
    void aMissingModuleDirectoryFailsAsInKmod() throws IOException {
        Path base = Files.createDirectories(tmp.resolve("nothing"));
        KmodTools.Run kmod = based(KmodTools.kmod("depmod", List.of("-b", base.toString(), "1.2.3")), base);
        KmodTools.Run ours = based(KmodTools.modload("depmod", List.of("-b", base.toString(), "1.2.3")), base);
        assertEquals(1, kmod.status());
        assertEquals(kmod, ours);
    }

    @Test
    void usageErrorsExitTwoWithKmodsMessage() throws IOException {
        Bases b = bases();
        for (List<String> args : List.of(List.of("not-a-version"), List.of("-P", "ab", TestTree.VERSION),
                List.of(TestTree.VERSION, "relative/path.ko"))) {
            KmodTools.Run kmod = based(KmodTools.kmod("depmod", args(b.kmod(), args)), b.kmod());
            KmodTools.Run ours = based(KmodTools.modload("depmod", args(b.ours(), args)), b.ours());
            assertEquals(1, kmod.status(), args + ": " + kmod);
            assertEquals(new KmodTools.Run(2, kmod.out(), kmod.err()), ours, args.toString());
        }
        KmodTools.Run config = KmodTools.modload("depmod", List.of("-b", b.ours().toString(), "-C", "/etc/depmod.d"));
        assertEquals(2, config.status());
        assertEquals("depmod: ERROR: -C (depmod.d configuration) is not supported by modload's depmod\n", config.err());
        KmodTools.Run unknown = KmodTools.modload("depmod", List.of("-x"));
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().startsWith("Unknown option: '-x'"), unknown.err());
    }

    @Test
    void withoutAReleaseTheOnlyOneUnderTheBaseIsTaken() throws IOException {
        Bases b = bases();
        KmodTools.Run implicit = KmodTools.modload("depmod", List.of("-b", b.ours().toString(), "-n"));
        KmodTools.Run explicit = KmodTools.modload("depmod", List.of("-b", b.ours().toString(), "-n", TestTree.VERSION));
        assertEquals(0, explicit.status(), explicit.err());
        assertEquals(explicit, implicit);

        Files.createDirectories(b.ours().resolve("lib/modules/6.2.0-other"));
        KmodTools.Run two = KmodTools.modload("depmod", List.of("-b", b.ours().toString()));
        assertEquals(new KmodTools.Run(2, "", "depmod: ERROR: no release given and " + b.ours()
                + "/lib/modules holds 2 (" + TestTree.VERSION + ", 6.2.0-other): name the release\n"), two);
    }

    @Test
    void aFailedWriteLeavesTheOldFilesAndNoTemporaryFile() throws IOException {
        Bases b = bases();
        Path dir = b.ourDir();
        Files.writeString(dir.resolve("modules.dep"), "old\n");
        // A non-empty directory where modules.symbols goes: its rename fails, after every file was written.
        Files.createDirectories(dir.resolve("modules.symbols/keep"));
        List<String> before = names(dir);
        KmodTools.Run r = KmodTools.modload("depmod", List.of("-b", b.ours().toString(), TestTree.VERSION));
        assertEquals(1, r.status(), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("depmod: ERROR: could not write")).count(), r.err());
        assertEquals(before, names(dir));
        assertEquals("old\n", Files.readString(dir.resolve("modules.dep")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-n", "-e"})
    void cyclesAreReportedAsKmodReportsThem(String option) throws IOException {
        // Two cycles apart (kmod 30's report never ends when one cycle leads into another).
        Path source = tmp.resolve("cycles");
        new TestTree(source, true)
                .add("kernel/a.ko", Module.exporting("a_op").calling("b_op"))
                .add("kernel/b.ko", Module.exporting("b_op").calling("c_op"))
                .add("kernel/c.ko", Module.exporting("c_op").calling("a_op", "leaf_op"))
                .add("kernel/x.ko", Module.exporting("x_op").calling("y_op"))
                .add("kernel/y.ko", Module.exporting("y_op").calling("x_op"))
                .add("kernel/leaf.ko", Module.exporting("leaf_op"))
                .add("kernel/user.ko", Module.exporting().calling("a_op"))
                .order("kernel/user.ko", "kernel/y.ko", "kernel/c.ko", "kernel/leaf.ko", "kernel/a.ko", "kernel/x.ko",
                        "kernel/b.ko");
        Bases b = new Bases(copy(source, tmp.resolve("kmod")), copy(source, tmp.resolve("ours")));
        KmodTools.Run[] r = both(b, List.of(option));
        assertEquals(1, r[0].status(), r[0].err());
        assertTrue(r[0].err().contains("Cycle detected"), r[0].err());
        assertEquals(r[0], r[1]);
        assertFalse(Files.exists(b.ourDir().resolve("modules.dep")));
    }

    @Test
    void aModuleThatIsNotElfIsNamedByItsPathInTheTree() throws IOException {
        TestTree t = tree(tmp.resolve("root")).write("kernel/broken/junk.ko", "not an ELF file at all, just text\n");
        KmodTools.Run r = KmodTools.modload("depmod", List.of("-b", t.root().toString(), TestTree.VERSION));
        assertEquals(1, r.status());
        assertTrue(r.err().matches("(?s).*(modload: )?kernel/broken/junk\\.ko[^\n]*\n"), r.err());
        assertFalse(Files.exists(t.dir().resolve("modules.dep")));
    }

    /** A copy of the tree {@code from} (modules and files, no links) at {@code to}. */
    static Path copy(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
