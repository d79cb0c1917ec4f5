package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.kernel.compress.TestInputs;

/**
 * Module trees as today's systems lay them out, for every tool that walks one: trees reached
 * through symbolic links (on merged-/usr systems {@code /lib} is one), a root whose
 * {@code usr/lib/modules} or {@code lib/modules} holds one release, an empty tree (an error, not
 * "loaded 0 of 0"), and two modules of one name (both reported, never one dropped in silence).
 */
class ModuleTreeLayoutTest {
    private static final List<String> SAMPLES = List.of("hello", "demo_core", "demo_user", "demo_leaf");
    private static final String EMPTY = " (no *.ko, *.ko.gz, *.ko.xz or *.ko.zst file)";

    @TempDir
    Path tmp;

    private static CliRun modload(String input, String... args) {
        return CliRun.withInput(input, args);
    }

    /** The four samples under {@code dir/kernel/}. */
    private static Path samples(Path dir) throws IOException {
        Path kernel = Files.createDirectories(dir.resolve("kernel"));
        for (String s : SAMPLES) {
            Files.write(kernel.resolve(s + ".ko"), TestInputs.resource("/org/modload/kernel/samples/x86_64/" + s + ".ko"));
        }
        return dir;
    }

    private static List<String> lsmodNames(CliRun r) {
        return r.out().lines().skip(1).map(l -> l.split("\\s+")[0]).toList();
    }

    private static void assertLoadsAll(Path tree) {
        CliRun r = modload("", "load-tree", "--tree", tree.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().endsWith("loaded 4 of 4 modules\n"), r.out());
    }

    @Test
    void aTreeThatIsASymbolicLinkIsFollowedByEveryTool() throws IOException {
        Path real = samples(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        assertLoadsAll(link);
        CliRun modprobe = modload("", "modprobe", "--lsmod", "--tree", link.toString(), "demo_leaf");
        assertEquals(0, modprobe.status(), modprobe.err());
        assertEquals(List.of("demo_leaf", "demo_user", "demo_core"), lsmodNames(modprobe));
        CliRun shell = modload("modprobe demo_leaf\nlsmod\n", "shell", "--tree", link.toString());
        assertEquals(0, shell.status(), shell.err());
        assertEquals(List.of("demo_leaf", "demo_user", "demo_core"), lsmodNames(shell));
    }

    @Test
    void directoriesAndModulesReachedThroughLinksInsideTheTreeCountOnce() throws IOException {
        Path tree = samples(tmp.resolve("tree"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.move(tree.resolve("kernel/demo_leaf.ko"), elsewhere.resolve("demo_leaf.ko"));
        Files.createSymbolicLink(tree.resolve("kernel/demo_leaf.ko"), elsewhere.resolve("demo_leaf.ko"));
        Files.createSymbolicLink(tree.resolve("kernel/loop"), tree); // back up the tree
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertLoadsAll(tree));
    }

    @Test
    void aMergedUsrRootIsReadThroughEitherLibrary() throws IOException {
        Path root = tmp.resolve("root");
        samples(root.resolve("usr/lib/modules/6.12.0-test"));
        Files.writeString(root.resolve("usr/lib/modules/6.12.0-test/modules.order"), "kernel/hello.ko\n");
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        assertLoadsAll(root);
        assertLoadsAll(root.resolve("lib/modules"));
        assertLoadsAll(root.resolve("usr/lib/modules/6.12.0-test"));
        CliRun modprobe = modload("", "modprobe", "--lsmod", "--tree", root.toString(), "demo_leaf");
        assertEquals(0, modprobe.status(), modprobe.err());
        assertEquals(List.of("demo_leaf", "demo_user", "demo_core"), lsmodNames(modprobe));
    }

    @Test
    void aRootWithTwoReleasesAsksForOne() throws IOException {
        Path root = tmp.resolve("root");
        samples(root.resolve("lib/modules/6.1.0-a"));
        samples(root.resolve("lib/modules/6.12.0-b"));
        Path modules = root.resolve("lib/modules");
        CliRun r = modload("", "load-tree", "--tree", root.toString());
        assertEquals(1, r.status());
        assertEquals("", r.out());
        assertEquals(modules + ": holds modules of 2 releases (6.1.0-a, 6.12.0-b): name one, e.g. --tree "
                + modules.resolve("6.1.0-a") + "\n", r.err());
        assertLoadsAll(modules.resolve("6.12.0-b"));
    }

    @Test
    void anEmptyTreeIsAnErrorForEveryToolThatLoadsFromIt() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty/kernel"));
        Files.writeString(empty.resolve("README"), "no modules here\n");
        Path dir = empty.getParent();
        String message = "no modules under " + dir + EMPTY + "\n";
        CliRun tree = modload("", "load-tree", "--tree", dir.toString());
        CliRun modprobe = modload("", "modprobe", "--lsmod", "--tree", dir.toString(), "hello");
        CliRun shell = modload("lsmod\n", "shell", "--tree", dir.toString());
        for (CliRun r : List.of(tree, modprobe, shell)) {
            assertEquals(1, r.status(), r.toString());
            assertEquals("", r.out());
            assertEquals(message, r.err());
        }
    }

    @Test
    void aMissingTreeIsOneLine() {
        Path none = tmp.resolve("none");
        CliRun r = modload("", "load-tree", "--tree", none.toString());
        assertEquals(1, r.status());
        assertEquals(none + ": no such directory\n", r.err());
    }

    @Test
    void twoModulesOfOneNameAreBothReported() throws IOException {
        Path tree = samples(tmp.resolve("tree"));
        Path second = Files.createDirectories(tree.resolve("kernel/other"));
        Files.copy(tree.resolve("kernel/hello.ko"), second.resolve("hello.ko"));
        CliRun r = modload("", "load-tree", "--tree", tree.toString());
        assertEquals(1, r.status(), r.err());
        assertEquals(List.of("hello\tEEXIST\tkernel/other/hello.ko: duplicate module name hello, also kernel/hello.ko"
                + " (loaded instead)", "0 symbol CRCs checked against their exporters", "loaded 4 of 5 modules"),
                r.out().lines().toList());
        CliRun modprobe = modload("", "modprobe", "--lsmod", "--tree", tree.toString(), "hello");
        assertEquals(0, modprobe.status(), modprobe.err());
        assertEquals(List.of("hello"), lsmodNames(modprobe));
    }
}
