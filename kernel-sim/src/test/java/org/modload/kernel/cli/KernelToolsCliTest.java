package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kmod-style tools on the bundled samples and the built-in kernel. */
class KernelToolsCliTest {
    private static final List<String> SAMPLES = List.of("hello", "demo_core", "demo_user", "demo_leaf");

    @TempDir
    Path dir;

    @BeforeEach
    void copySamples() throws IOException {
        for (String s : SAMPLES) {
            try (InputStream in = getClass().getResourceAsStream("/org/modload/kernel/samples/x86_64/" + s + ".ko")) {
                Files.copy(in, dir.resolve(s + ".ko"));
            }
        }
    }

    private static CliRun modload(String input, String... args) {
        return CliRun.withInput(input, args);
    }

    private String ko(String name) {
        return dir.resolve(name + ".ko").toString();
    }

    @Test
    void aScriptedShellKeepsOneKernelAndRefusesUnloadsAsKmod() {
        String script = String.join("\n", "insmod " + ko("demo_core"), "insmod " + ko("demo_user"), "lsmod",
                "rmmod demo_core", "cat /proc/modules", "rmmod demo_user", "rmmod demo_core", "lsmod", "");
        CliRun r = modload(script, "shell");
        assertEquals(1, r.status(), "one command failed: " + r.err());
        assertEquals("rmmod: ERROR: Module demo_core is in use by: demo_user\n", r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("Module                  Size  Used by", lines.get(0));
        assertTrue(lines.get(1).matches("demo_user {11}[ \\d]{8}  0"), lines.get(1));
        assertTrue(lines.get(2).matches("demo_core {11}[ \\d]{8}  1 demo_user"), lines.get(2));
        assertTrue(lines.get(3).matches("demo_user \\d+ 0 - Live 0x[0-9a-f]{16} \\(OE\\)"), lines.get(3));
        assertTrue(lines.get(4).matches("demo_core \\d+ 1 demo_user, Live 0x[0-9a-f]{16} \\(OE\\)"), lines.get(4));
        assertEquals(List.of("Module                  Size  Used by"), lines.subList(5, lines.size()));
    }

    @Test
    void modprobeLoadsDependenciesFirst() {
        CliRun r = modload("", "modprobe", "--lsmod", "--tree", dir.toString(), "demo_leaf");
        assertEquals(0, r.status(), r.err());
        List<String> names = r.out().lines().skip(1).map(l -> l.split("\\s+")[0]).toList();
        assertEquals(List.of("demo_leaf", "demo_user", "demo_core"), names);
    }

    @Test
    void loadTreeLoadsEverySampleAndEndsWithTheCount() {
        CliRun r = modload("", "load-tree", "--tree", dir.toString());
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("loaded 4 of 4 modules", lines.get(lines.size() - 1));
    }

    @Test
    void loadTreeReportsAFailureOnOneLineAndCountsIt() throws IOException {
        byte[] core = Files.readAllBytes(dir.resolve("demo_core.ko"));
        Files.write(dir.resolve("demo_core.ko"), java.util.Arrays.copyOf(core, 100));
        CliRun r = modload("", "load-tree", "--tree", dir.toString());
        assertEquals(1, r.status());
        List<String> lines = r.out().lines().toList();
        assertEquals("loaded 1 of 4 modules", lines.get(lines.size() - 1));
        assertTrue(lines.get(0).startsWith("demo_core\tENOEXEC\tdemo_core.ko: "), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("demo_user\tENOENT\tdemo_user: Unknown symbol demo_register")),
                r.out());
    }

    @Test
    void insmodOfABadFileSaysWhyAsKmodDoes() {
        CliRun r = modload("", "insmod", ko("demo_user"));
        assertEquals(1, r.status());
        assertEquals("insmod: ERROR: could not insert module " + ko("demo_user") + ": Unknown symbol in module\n", r.err());
        CliRun debug = modload("", "--debug", "insmod", ko("demo_user"));
        assertEquals("insmod: ERROR: could not insert module " + ko("demo_user") + ": Unknown symbol in module\n"
                + "insmod: ENOENT: demo_user: Unknown symbol demo_register (err -2)\n", debug.err(), "the kernel's reason with --debug");
    }

    @Test
    void loadTreeOnTwoThreadsLoadsTheSameModules() {
        CliRun one = modload("", "load-tree", "--tree", dir.toString());
        CliRun two = modload("", "load-tree", "--threads", "2", "--tree", dir.toString());
        assertEquals(0, two.status(), two.err());
        assertEquals(one.out(), two.out());
        assertTrue(two.out().endsWith("loaded 4 of 4 modules\n"), two.out());
    }

    @Test
    void usageErrorsExitTwoWithOneReason() {
        CliRun threads = modload("", "load-tree", "--threads", "0", "--tree", dir.toString());
        CliRun arch = modload("", "lsmod", "--arch", "vax");
        assertAll(
                () -> assertEquals(2, threads.status()),
                () -> assertTrue(threads.err().startsWith("modload: --threads must be at least 1, not 0\n"), threads.err()),
                () -> assertEquals(2, arch.status()),
                () -> assertTrue(arch.err().startsWith("modload: --arch: no installed architecture is called 'vax'"
                        + " (installed: i386, ia64, x86_64)\n"), arch.err()));
    }

    @Test
    void aStackTraceOnlyWithDebug() {
        String missing = dir.resolve("missing.ko").toString();
        CliRun plain = modload("", "elf", "--json", missing);
        CliRun debug = modload("", "--debug", "elf", "--json", missing);
        CliRun debugAfter = modload("", "elf", "--json", "--debug", missing);
        // insmod says it as kmod's insmod does (its own line, nothing thrown)
        assertEquals(new CliRun(1, "", "insmod: ERROR: could not load module " + missing + ": No such file or directory\n"),
                modload("", "insmod", missing));
        assertAll(
                () -> assertEquals(1, plain.status()),
                () -> assertEquals("modload: " + missing + ": no such file\n", plain.err()),
                () -> assertEquals(1, debug.status()),
                () -> assertTrue(debug.err().startsWith("modload: " + missing + ": no such file\n"), debug.err()),
                () -> assertTrue(debug.err().contains("\tat "), "a stack trace: " + debug.err()),
                () -> assertTrue(debugAfter.err().contains("\tat "), "--debug after the command: " + debugAfter.err()));
    }
}
