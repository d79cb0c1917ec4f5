package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every subcommand answers {@code --help} and {@code -h} with its usage on standard output and
 * exit status 0, {@code -V}/{@code --version} with its version (the kmod tools name the kmod
 * release they follow), and an unknown option with exit status 2, a first line naming the problem (the option, or a required
 * parameter not given) and the usage.
 */
class HelpAndVersionTest {
    private static final List<String> KMOD_TOOLS = List.of("modinfo", "depmod", "insmod", "rmmod", "lsmod", "modprobe");

    @ParameterizedTest
    @ValueSource(strings = {"archs", "elf", "link", "demo", "modinfo", "depmod", "insmod", "rmmod", "lsmod", "modprobe",
        "load-tree", "shell", "verify"})
    void helpVersionAndUsageErrors(String command) {
        KmodTools.Run help = KmodTools.modload(command, List.of("--help"));
        KmodTools.Run h = KmodTools.modload(command, List.of("-h"));
        KmodTools.Run version = KmodTools.modload(command, List.of("-V"));
        KmodTools.Run longVersion = KmodTools.modload(command, List.of("--version"));
        KmodTools.Run bogus = KmodTools.modload(command, List.of("--no-such-option"));
        String expectedVersion = KMOD_TOOLS.contains(command) ? "kmod version 30 (modload 0.1.0)\n" : "modload 0.1.0\n";
        assertAll(
                () -> assertEquals(0, help.status(), help.err()),
                () -> assertTrue(help.out().startsWith("Usage: modload " + command), help.out()),
                () -> assertEquals("", help.err()),
                () -> assertEquals(help, h),
                () -> assertEquals(new KmodTools.Run(0, expectedVersion, ""), version),
                () -> assertEquals(version, longVersion),
                () -> assertEquals(2, bogus.status()),
                () -> assertEquals("", bogus.out()),
                // picocli names the first problem it meets: the option, or a required parameter still missing
                () -> assertTrue(bogus.err().lines().findFirst().orElse("").matches(
                        "(Unknown option: '--no-such-option'|Missing required (parameter|option).*)"), bogus.err()),
                () -> assertTrue(bogus.err().lines().skip(1).findFirst().orElse("").startsWith("Usage: modload " + command),
                        bogus.err()));
    }

    @org.junit.jupiter.api.Test
    void depmodNeedsNoSymversAndWarnsForMinusEWithoutOneAsKmodDoes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path base)
            throws java.io.IOException {
        java.nio.file.Path samples = java.nio.file.Path.of("src/main/resources/org/modload/kernel/samples/x86_64").toAbsolutePath();
        java.nio.file.Path dir = java.nio.file.Files.createDirectories(base.resolve("lib/modules/1.0"));
        java.nio.file.Files.createSymbolicLink(dir.resolve("kernel"), samples);
        KmodTools.Run plain = KmodTools.modload("depmod", List.of("-n", "-b", base.toString(), "1.0"));
        KmodTools.Run errsyms = KmodTools.modload("depmod", List.of("-n", "-b", base.toString(), "-e", "1.0"));
        String noOrder = "depmod: WARNING: could not open modules.order at " + dir + ": No such file or directory\n";
        assertAll(
                () -> assertEquals(0, plain.status(), plain.err()),
                () -> assertTrue(plain.out().contains("kernel/demo_user.ko:"), plain.out()),
                () -> assertEquals(noOrder, plain.err()),
                () -> assertEquals(new KmodTools.Run(0, plain.out(), "depmod: WARNING: -e needs -E or -F\n" + noOrder),
                        errsyms));
    }
}
