package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit-status rules for modprobe, rmmod, insmod and link: 0 on success with nothing
 * printed, 1 for a module or input that fails (one line naming it, kmod's where kmod has one),
 * 2 for a usage error (a first line naming the problem, then the usage).
 */
class ModuleToolsExitStatusTest {
    @TempDir
    static Path tmp;
    static Path hello;

    @BeforeAll
    static void files() throws IOException {
        try (InputStream in = ModuleToolsExitStatusTest.class.getResourceAsStream("/org/modload/kernel/samples/x86_64/hello.ko")) {
            hello = tmp.resolve("hello.ko");
            Files.write(hello, in.readAllBytes());
        }
    }

    private static void usage(CliRun r, String command, String first) {
        assertAll(command + ": " + r,
                () -> assertEquals(2, r.status()),
                () -> assertEquals("", r.out()),
                () -> assertTrue(r.err().lines().findFirst().orElse("").startsWith(first), r.err()),
                () -> assertTrue(r.err().contains("Usage: modload " + command), r.err()));
    }

    @Test
    void usageErrorsExitTwo() {
        usage(CliRun.run("modprobe"), "modprobe", "Missing required parameter");
        usage(CliRun.run("modprobe", "-x", "hello"), "modprobe", "Unknown option: '-x'");
        usage(CliRun.run("modprobe", "-C"), "modprobe", "Missing required parameter for option '--config'");
        usage(CliRun.run("modprobe", "--tree", tmp.toString(), "-S", "1.2.3", "hello", "--load", hello.toString()),
                "modprobe", "modload: --tree and -d/-S both name the module directory: give one");
        usage(CliRun.run("rmmod"), "rmmod", "Missing required parameter");
        usage(CliRun.run("rmmod", "-x", "hello"), "rmmod", "Unknown option: '-x'");
        usage(CliRun.run("insmod"), "insmod", "Missing required parameter");
        usage(CliRun.run("insmod", "-x", hello.toString()), "insmod", "Unknown option: '-x'");
    }

    @Test
    void successIsSilentAndStatusZero() {
        assertEquals(new CliRun(0, "", ""), CliRun.run("insmod", hello.toString(), "who=world", "n=3"));
        assertEquals(new CliRun(0, "", ""), CliRun.run("rmmod", "--load", hello.toString(), "-v", "hello"));
        assertEquals(new CliRun(0, "", ""), CliRun.run("rmmod", "--load", hello.toString(), hello.toString()));
    }

    @Test
    void inputErrorsAreOneLineAndStatusOne() throws IOException {
        Path junk = Files.writeString(tmp.resolve("junk.ko"), "not an ELF file\n");
        assertAll(
                () -> assertEquals(new CliRun(1, "", "insmod: ERROR: could not insert module " + junk
                        + ": Invalid module format\n"), CliRun.run("insmod", junk.toString())),
                () -> assertEquals(new CliRun(1, "", "insmod: ERROR: could not insert module " + tmp + ": Is a directory\n"),
                        CliRun.run("insmod", tmp.toString())),
                () -> assertEquals(new CliRun(1, "", "rmmod: ERROR: Module hello is not currently loaded\n"),
                        CliRun.run("rmmod", "hello")),
                () -> assertEquals(new CliRun(1, "", "<27>rmmod: ERROR: Module hello is not currently loaded\n"),
                        CliRun.run("rmmod", "-s", "hello")),
                () -> assertEquals(new CliRun(1, "", "rmmod: ERROR: could not remove 'nosuch': No such file or directory\n"
                        + "rmmod: ERROR: could not remove module nosuch: No such file or directory\n"),
                        CliRun.run("rmmod", "-f", "nosuch")),
                () -> assertEquals(new CliRun(1, "", "modprobe: FATAL: Module hello not found in directory "
                        + tmp.resolve("none") + "/lib/modules/1.2.3\n"),
                        CliRun.run("modprobe", "-d", tmp.resolve("none").toString(), "-S", "1.2.3", "-C", "/nonexistent", "hello")));
    }

    @Test
    void whatKmodsInsmodAndRmmodSayWithoutRootIsSaidTheSame() {
        for (String tool : java.util.List.of("insmod", "rmmod")) {
            for (String arg : java.util.List.of(tmp.resolve("missing.ko").toString(), tmp.toString(), "no_such_module")) {
                if (tool.equals("rmmod") && !arg.equals("no_such_module")) {
                    continue;
                }
                KmodTools.Run kmod = KmodTools.kmod(tool, java.util.List.of(arg));
                assertEquals(kmod, KmodTools.modload(tool, java.util.List.of(arg)), tool + " " + arg);
            }
        }
    }

    @Test
    void linkNamesTheOutputItCannotWriteAndTheDirectoryGivenAsAnObject() throws IOException {
        Path symbols = Files.writeString(tmp.resolve("symbols.tsv"), "_printk\t0xffffffff81000000\n");
        Path file = Files.writeString(tmp.resolve("a-file"), "");
        CliRun ok = CliRun.run("link", hello.toString(), "--symbols", symbols.toString(), "--out", tmp.resolve("out").toString());
        CliRun out = CliRun.run("link", hello.toString(), "--symbols", symbols.toString(), "--out", file.toString());
        CliRun below = CliRun.run("link", hello.toString(), "--symbols", symbols.toString(), "--out",
                file.resolve("sub").toString());
        CliRun trace = CliRun.run("link", hello.toString(), "--symbols", symbols.toString(), "--trace",
                tmp.resolve("no/such/dir/trace.json").toString(), "--out", tmp.resolve("out2").toString());
        CliRun dir = CliRun.run("link", tmp.toString(), "--out", tmp.resolve("out3").toString());
        CliRun elf = CliRun.run("elf", "--json", tmp.toString());
        assertAll(
                () -> assertEquals(new CliRun(0, "", ""), ok),
                () -> assertEquals(new CliRun(1, "", "modload: --out " + file + ": cannot write: exists and is not a directory\n"), out),
                () -> assertEquals(1, below.status()),
                () -> assertTrue(below.err().startsWith("modload: --out " + file.resolve("sub") + ": cannot write"), below.err()),
                () -> assertEquals(1, below.err().lines().count(), below.err()),
                () -> assertEquals(new CliRun(1, "", "modload: --trace " + tmp.resolve("no/such/dir/trace.json")
                        + ": cannot write: no such directory\n"), trace),
                () -> assertEquals(new CliRun(1, "", "modload: " + tmp + ": is a directory, not an ELF file\n"), dir),
                () -> assertEquals(new CliRun(1, "", "modload: " + tmp + ": is a directory, not an ELF file\n"), elf));
    }
}
