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

/** The policy options of issue 17 on the commands that boot a kernel: load-tree, insmod, the shell. */
class PolicyOptionsTest {
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

    @Test
    void loadTreeLoadsEverySampleUnderEachCombinationOfPolicies() {
        for (String load : List.of("linux", "legacy-2.4")) {
            for (String unload : List.of("linux", "exit-may-fail")) {
                CliRun r = modload("", "load-tree", "--threads", "2", "--load-policy", load, "--unload-policy", unload,
                        "--tree", dir.toString());
                assertEquals(0, r.status(), load + "/" + unload + ": " + r.out() + r.err());
                assertTrue(r.out().endsWith("loaded 4 of 4 modules\n"), r.out());
            }
        }
    }

    @Test
    void underLegacyAFailureOfInsmodSaysWhyAndLeavesNothing() {
        CliRun r = modload(String.join("\n", "insmod " + dir.resolve("demo_user.ko"), "cat /proc/modules", ""),
                "shell", "--load-policy", "legacy-2.4");
        assertAll(
                () -> assertEquals(1, r.status()),
                () -> assertEquals("insmod: ERROR: could not insert module " + dir.resolve("demo_user.ko")
                        + ": Unknown symbol in module\ninsmod: ENOENT: demo_user.ko: unresolved symbol demo_register\n", r.err()),
                () -> assertEquals("", r.out()));
    }

    @Test
    void procModulesShowsAnUninitializedEntryWithItsAddress() {
        CliRun r = modload(String.join("\n", "create_module leak 100", "cat /proc/modules", ""),
                "shell", "--load-policy", "legacy-2.4");
        List<String> lines = r.out().lines().toList();
        assertAll(
                () -> assertEquals(0, r.status(), r.err()),
                () -> assertEquals(2, lines.size(), r.out()),
                () -> assertEquals("leak 100 0 - Uninitialized 0x" + String.format("%016x", Long.parseUnsignedLong(lines.get(0).substring(2), 16)),
                        lines.get(1)));
    }

    @Test
    void anUnknownPolicyOrKillPointIsAUsageError() {
        CliRun load = modload("", "lsmod", "--load-policy", "2.2");
        CliRun unload = modload("", "load-tree", "--unload-policy", "never", "--tree", dir.toString());
        CliRun kill = modload("insmod --kill-at create_module " + dir.resolve("hello.ko") + "\n", "shell");
        CliRun value = modload("exit-returns hello EBUSY\ncreate_module x 4k\n", "shell", "--load-policy", "legacy-2.4");
        assertAll(
                () -> assertEquals(2, load.status()),
                () -> assertTrue(load.err().startsWith("modload: --load-policy: no policy '2.2' (linux, legacy-2.4)\n"),
                        load.err()),
                () -> assertEquals(2, unload.status()),
                () -> assertTrue(unload.err().startsWith("modload: --unload-policy: no policy 'never' (linux, exit-may-fail)\n"),
                        unload.err()),
                () -> assertEquals(1, kill.status()),
                () -> assertTrue(kill.err().startsWith("shell: --kill-at: no load phase 'create_module' (signature, "),
                        kill.err()),
                () -> assertEquals(1, value.status()),
                () -> assertEquals("usage: exit-returns NAME VALUE (0 or -ERRNO, e.g. -EBUSY)\n"
                        + "usage: create_module NAME SIZE\n", value.err()));
    }
}
