package org.modload.kernel.depmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.depmod.TestTree.Exports;
import org.modload.kernel.depmod.TestTree.Module;
import org.modload.kernel.diag.DependencyCycleException;

/**
 * Our modules.dep against kmod's depmod, run at test time on the same synthetic trees. Nothing
 * here states an expected modules.dep: kmod's output is the expectation, so every rule below
 * (module order, owner of a twice-exported symbol, dependency order) is kmod's.
 */
class DepmodAgreementTest {

    @TempDir
    Path tmp;

    /** Ours and kmod's modules.dep for the tree, asserted equal; returns ours. */
    private static List<String> agree(TestTree t) throws IOException {
        List<String> kmod = KmodDepmod.modulesDep(t.root(), TestTree.VERSION);
        List<String> ours = ModuleTree.read(t.dir()).depmod(Set.of()).lines();
        assertEquals(String.join("\n", kmod), String.join("\n", ours));
        return ours;
    }

    /** A layered tree: a diamond, a chain on top of it, kernel symbols and a module needing nothing. */
    private TestTree layered() {
        return new TestTree(tmp, true)
                .add("kernel/lib/base.ko", Module.exporting("base_get", "base_put").calling("printk"))
                .add("kernel/lib/left-side.ko", Module.exporting("left_op").calling("base_get", "kmalloc"))
                .add("kernel/lib/right_side.ko", Module.exporting("right_op").calling("base_put", "base_get"))
                .add("kernel/drivers/top.ko", Module.exporting("top_op").calling("right_op", "left_op"))
                .add("kernel/drivers/user.ko", Module.exporting().calling("top_op", "printk"))
                .add("kernel/drivers/alone.ko", Module.exporting("alone_op").calling("printk"))
                .add("kernel/net/other.ko", Module.exporting().calling("base_put", "alone_op"));
    }

    @Test
    void layeredTreeInModulesOrder() throws IOException {
        List<String> ours = agree(layered().order("kernel/lib/base.ko", "kernel/lib/left-side.ko",
                "kernel/lib/right_side.ko", "kernel/drivers/top.ko", "kernel/drivers/user.ko",
                "kernel/drivers/alone.ko", "kernel/net/other.ko"));
        assertEquals(7, ours.size());
    }

    @Test
    void reversedModulesOrderChangesTheOrder() throws IOException {
        TestTree t = layered().order("kernel/net/other.ko", "kernel/drivers/alone.ko", "kernel/drivers/user.ko",
                "kernel/drivers/top.ko", "kernel/lib/right_side.ko", "kernel/lib/left-side.ko", "kernel/lib/base.ko");
        List<String> reversed = agree(t);
        t.order("kernel/lib/base.ko", "kernel/lib/left-side.ko", "kernel/lib/right_side.ko", "kernel/drivers/top.ko",
                "kernel/drivers/user.ko", "kernel/drivers/alone.ko", "kernel/net/other.ko");
        // The tree is only useful if the order file matters to kmod.
        assertNotEquals(reversed, agree(t));
    }

    @Test
    void withoutModulesOrderKmodUsesItsHashOrder() throws IOException {
        agree(layered());
    }

    @Test
    void partialModulesOrderWithRepeatsBlanksAndMissingModules() throws IOException {
        agree(layered().order("kernel/drivers/top.ko", "", "kernel/gone.ko", "kernel/lib/base.ko",
                "kernel/drivers/top.ko", "kernel/net/other.ko"));
    }

    @Test
    void modulesOrderWhoseLastLineLacksItsNewlineIsIgnored() throws IOException {
        agree(layered().orderText("kernel/net/other.ko\nkernel/drivers/user.ko\nkernel/lib/base.ko"));
    }

    @Test
    void aSymbolTwoModulesExportBelongsToTheLaterOne() throws IOException {
        TestTree t = new TestTree(tmp, true)
                .add("kernel/a/first.ko", Module.exporting("shared_op", "first_only"))
                .add("kernel/b/second.ko", Module.exporting("shared_op"))
                .add("kernel/c/user.ko", Module.exporting().calling("shared_op", "first_only"));
        agree(t.order("kernel/a/first.ko", "kernel/b/second.ko", "kernel/c/user.ko"));
        agree(t.order("kernel/b/second.ko", "kernel/a/first.ko", "kernel/c/user.ko"));
    }

    @Test
    void crcSymbolsHideTheStringsTableWhichNamespacesAlsoFill() throws IOException {
        TestTree t = new TestTree(tmp, true)
                .add("kernel/crc.ko", Module.exporting("crc_op").style(Exports.CRC_ONLY))
                .add("kernel/strings.ko", Module.exporting("str_op").style(Exports.STRINGS_ONLY).strings("MY_NS"))
                .add("kernel/both.ko", Module.exporting("both_op").strings("hidden_op"))
                .add("kernel/user.ko", Module.exporting().calling("crc_op", "str_op", "both_op", "hidden_op", "MY_NS"));
        agree(t.order("kernel/crc.ko", "kernel/strings.ko", "kernel/both.ko", "kernel/user.ko"));
        ModuleDependencies user = ModuleTree.read(t.dir()).depmod(Set.of()).module("kernel/user.ko").orElseThrow();
        assertEquals(3, user.allDependencies().size(), user.line());
        assertEquals(List.of("hidden_op"), user.unknownSymbols());
    }

    @Test
    void weakReferencesAndVersionsOnlyNamesMakeDependencies() throws IOException {
        TestTree t = new TestTree(tmp, true)
                .add("kernel/layout.ko", Module.exporting("module_layout_x"))
                .add("kernel/weak.ko", Module.exporting("weak_op"))
                .add("kernel/user.ko", Module.exporting().calling("printk").weakly("weak_op", "nowhere")
                        .versions("printk", "module_layout_x", "printk"));
        agree(t.order("kernel/layout.ko", "kernel/weak.ko", "kernel/user.ko"));
        ModuleDependencies user = ModuleTree.read(t.dir()).depmod(Set.of("printk")).module("kernel/user.ko").orElseThrow();
        assertEquals(List.of(), user.unknownSymbols(), "weak 'nowhere' is never unknown");
    }

    @Test
    void treeWalkSkipsBuildAndSourceReadsXzAndIgnoresOtherFiles() throws IOException {
        TestTree t = new TestTree(tmp, true)
                .add("kernel/core.ko", Module.exporting("core_op"))
                .add("kernel/packed.ko.xz", Module.exporting("packed_op").calling("core_op"))
                .add("kernel/sub/deeper/user.ko", Module.exporting().calling("packed_op", "hidden_op", "source_op"))
                .add("build/hidden.ko", Module.exporting("hidden_op"))
                .add("kernel/source/src.ko", Module.exporting("source_op"))
                .add("extra/notes.ko.txt", Module.exporting("hidden_op"))
                .write("kernel/README", "not a module\n");
        agree(t);
        agree(t.order("kernel/sub/deeper/user.ko", "kernel/packed.ko", "kernel/core.ko"));
    }

    @Test
    void aModuleUnderUpdatesReplacesItsNamesake() throws IOException {
        TestTree t = new TestTree(tmp, true)
                .add("kernel/drivers/foo-bar.ko", Module.exporting("old_op"))
                .add("updates/foo_bar.ko", Module.exporting("new_op"))
                .add("kernel/user.ko", Module.exporting().calling("new_op", "old_op"));
        List<String> ours = agree(t.order("kernel/drivers/foo-bar.ko", "kernel/user.ko", "updates/foo_bar.ko"));
        assertEquals(2, ours.size());
    }

    @Test
    void i386ModulesAndTheir32BitVersionsEntries() throws IOException {
        TestTree t = new TestTree(tmp, false)
                .add("kernel/base.ko", Module.exporting("base_op", "base_only_versioned"))
                .add("kernel/mid.ko", Module.exporting("mid_op").calling("base_op"))
                .add("kernel/user.ko", Module.exporting().calling("mid_op").versions("mid_op", "base_only_versioned"));
        agree(t.order("kernel/base.ko", "kernel/mid.ko", "kernel/user.ko"));
        agree(t);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void randomTreesAgree(long seed) throws IOException {
        Random r = new Random(seed);
        TestTree t = new TestTree(tmp, true);
        int n = 24 + r.nextInt(24);
        List<String> paths = new ArrayList<>();
        List<List<String>> exports = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String dir = "kernel/d" + r.nextInt(4) + (r.nextBoolean() ? "/sub" + r.nextInt(3) : "");
            String file = (r.nextBoolean() ? "mod-" : "m_") + i + (r.nextInt(8) == 0 ? "-x" : "") + ".ko";
            paths.add(dir + "/" + file);
            List<String> ex = new ArrayList<>();
            int k = r.nextInt(3);
            for (int j = 0; j < k; j++) {
                ex.add("sym" + i + "_" + j);
            }
            // Only modules that need nothing re-export another's symbol, so no cycle can appear.
            boolean leaf = i > 0 && r.nextInt(6) == 0;
            if (leaf) {
                List<String> other = exports.get(r.nextInt(i));
                if (!other.isEmpty()) {
                    ex.add(other.get(0));
                }
            }
            exports.add(ex);
            List<String> calls = new ArrayList<>();
            List<String> weak = new ArrayList<>();
            if (!leaf && i > 0) {
                for (int d = r.nextInt(5); d > 0; d--) {
                    List<String> target = exports.get(r.nextInt(i));
                    if (!target.isEmpty()) {
                        (r.nextInt(5) == 0 ? weak : calls).add(target.get(r.nextInt(target.size())));
                    }
                }
                calls.add("printk");
            }
            Exports style = Exports.values()[r.nextInt(Exports.values().length)];
            t.add(paths.get(i), new Module(ex, style, List.of(), dedupe(calls), dedupe(weak, calls), List.of()));
        }
        List<String> order = new ArrayList<>(paths);
        Collections.shuffle(order, r);
        switch (r.nextInt(3)) {
            case 0 -> agree(t);
            case 1 -> agree(t.order(order.toArray(String[]::new)));
            default -> agree(t.order(order.subList(0, n / 2).toArray(String[]::new)));
        }
    }

    private static List<String> dedupe(List<String> l, List<String> minus) {
        return l.stream().distinct().filter(s -> !minus.contains(s)).toList();
    }

    private static List<String> dedupe(List<String> l) {
        return dedupe(l, List.of());
    }

    @Test
    void aCycleIsRefusedLikeKmodRefusesIt() throws IOException {
        TestTree t = new TestTree(tmp, true)
                .add("kernel/a.ko", Module.exporting("a_op").calling("b_op"))
                .add("kernel/b.ko", Module.exporting("b_op").calling("a_op", "c_op"))
                .add("kernel/c.ko", Module.exporting("c_op"))
                .add("kernel/x.ko", Module.exporting().calling("a_op"))
                .order("kernel/a.ko", "kernel/b.ko", "kernel/c.ko", "kernel/x.ko");
        KmodDepmod.Run kmod = KmodDepmod.run(t.root(), TestTree.VERSION, List.of());
        assertNotEquals(0, kmod.status(), "kmod accepts the cycle: " + kmod.stdout());
        assertTrue(kmod.stderr().contains("Cycle detected"), kmod.stderr());

        ModuleTree tree = ModuleTree.read(t.dir());
        DependencyCycleException e = assertThrows(DependencyCycleException.class, () -> tree.depmod(Set.of()));
        assertEquals(List.of("kernel/a.ko", "kernel/b.ko", "kernel/a.ko"), e.cycle());
        assertEquals(2, e.modulesInCycles());
        assertEquals("dependency cycle: kernel/a.ko -> kernel/b.ko -> kernel/a.ko (2 modules in dependency cycles)",
                e.getMessage());
    }

    @Test
    void emptyTreeGivesAnEmptyModulesDep() throws IOException {
        TestTree t = new TestTree(tmp, true).write("modules.order", "");
        Files.createDirectories(t.dir().resolve("kernel"));
        assertEquals(List.of(), agree(t));
    }

    /**
     * Debian 13's shape: compressed modules whose modules.order lines name the uncompressed path
     * ({@code kernel/x.ko}); kmod matches them by that path. {@code .ko.gz} only where this kmod
     * was built with zlib (Debian 12's is not, and skips such files).
     */
    @Test
    void compressedModulesAgreeWithModulesOrderNamingThemUncompressed() throws IOException {
        boolean gz = org.modload.kernel.compress.Compressors.kmodReads(org.modload.kernel.compress.Compression.GZIP);
        TestTree t = new TestTree(tmp, true)
                .add("kernel/lib/base.ko.zst", Module.exporting("base_get").calling("printk"))
                .add("kernel/lib/mid.ko.xz", Module.exporting("mid_op").calling("base_get"))
                .add("kernel/drivers/top.ko", Module.exporting("top_op").calling("mid_op", "base_get"))
                .add(gz ? "kernel/drivers/user.ko.gz" : "kernel/drivers/user.ko.xz",
                        Module.exporting().calling("top_op"))
                .order("kernel/drivers/user.ko", "kernel/drivers/top.ko", "kernel/lib/mid.ko", "kernel/lib/base.ko");
        List<String> ours = agree(t);
        assertEquals(4, ours.size());
        assertTrue(ours.get(0).startsWith("kernel/drivers/user.ko."), ours.get(0));
    }

    /** A merged-/usr root: the tree lives in usr/lib/modules, lib is a symbolic link to usr/lib. */
    @Test
    void aMergedUsrRootAgreesReadThroughTheLink() throws IOException {
        TestTree t = layered().order("kernel/lib/base.ko", "kernel/drivers/top.ko");
        Path merged = tmp.resolve("merged");
        Files.createDirectories(merged.resolve("usr"));
        Files.move(t.root().resolve("lib"), merged.resolve("usr/lib"));
        Files.createSymbolicLink(merged.resolve("lib"), Path.of("usr/lib"));
        List<String> kmod = KmodDepmod.modulesDep(merged, TestTree.VERSION);
        assertEquals(7, kmod.size());
        assertEquals(kmod, ModuleTree.read(merged).depmod(Set.of()).lines());
        assertEquals(kmod, ModuleTree.read(merged.resolve("lib/modules")).depmod(Set.of()).lines());
        assertEquals(kmod, ModuleTree.read(merged.resolve("usr/lib/modules/" + TestTree.VERSION)).depmod(Set.of())
                .lines());
    }
}
