package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modload.kernel.modinfo.ModinfoFixtures.AMD64_SIGNED;
import static org.modload.kernel.modinfo.ModinfoFixtures.I686_SIGNED;
import static org.modload.kernel.modinfo.ModinfoFixtures.UNSIGNED;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.modinfo.ModinfoFixtures;

/**
 * {@code modload modinfo FILE} prints exactly what kmod's {@code modinfo FILE} prints (kmod runs
 * at test time; nothing expected is stored), and fails on malformed modules with exit status 1,
 * nothing on standard output and one located line on standard error.
 */
class ModinfoCommandTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {AMD64_SIGNED, I686_SIGNED, UNSIGNED})
    void outputIsKmodsByteForByte(String resource) {
        Path ko = ModinfoFixtures.copy(resource, dir);
        CliRun run = modload("modinfo", ko.toString());
        assertEquals(new CliRun(0, ModinfoFixtures.kmod(null, ko.toString()), ""), run);
    }

    @Test
    void theSignedFixturesExerciseEveryRenderingRule() {
        // Guards the comparison above: parameters (both kinds), wrapped hex and signature fields are there.
        String amd64 = modload("modinfo", ModinfoFixtures.copy(AMD64_SIGNED, dir).toString()).out();
        String i686 = modload("modinfo", ModinfoFixtures.copy(I686_SIGNED, dir).toString()).out();
        assertTrue(amd64.lines().filter(l -> l.startsWith("parm:")).count() >= 2, amd64);
        assertTrue(amd64.lines().anyMatch(l -> l.startsWith("\t\t")), amd64);
        assertTrue(amd64.lines().anyMatch(l -> l.startsWith("signer:")), amd64);
        assertTrue(i686.lines().anyMatch(l -> l.startsWith("parm:") && !l.endsWith(")")), i686);
        assertTrue(i686.lines().anyMatch(l -> l.startsWith("import_ns:")), i686);
    }

    @Test
    void aRelativePathIsPrintedAfterTheWorkingDirectoryAsKmodDoes() {
        Path ko = ModinfoFixtures.copy(AMD64_SIGNED, dir);
        Path cwd = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        String relative = cwd.relativize(ko.toAbsolutePath()).toString();
        assertTrue(relative.startsWith(".."), relative);
        CliRun run = modload("modinfo", relative);
        assertEquals(new CliRun(0, ModinfoFixtures.kmod(cwd, relative), ""), run);
    }

    @Test
    void aMalformedSignatureFailsWithOneLocatedLine() throws IOException {
        byte[] bytes = ModinfoFixtures.bytes(AMD64_SIGNED); // 12169 bytes, struct module_signature at 0x2f61
        ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN).putInt(bytes.length - 28 - 4, 0x10000);
        Path ko = Files.write(dir.resolve("hangcheck-timer.ko"), bytes);
        assertEquals(new CliRun(1, "", "hangcheck-timer.ko: offset 0x2f61: signature sig_len 0x10000 is not less than the"
                + " 0x2f61 bytes before struct module_signature\n"), modload("modinfo", ko.toString()));
    }

    @Test
    void garbagePkcs7FailsWithOneLocatedLine() throws IOException {
        byte[] bytes = ModinfoFixtures.bytes(AMD64_SIGNED); // PKCS#7: 681 bytes at 0x2cb8
        Arrays.fill(bytes, 0x2cb8, 0x2cb8 + 681, (byte) 0xff);
        Path ko = Files.write(dir.resolve("hangcheck-timer.ko"), bytes);
        assertEquals(new CliRun(1, "", "hangcheck-timer.ko: offset 0x2cb8: signature is not a PKCS#7 SignedData message"
                + " (681 bytes)\n"), modload("modinfo", ko.toString()));
    }

    @Test
    void aModinfoWithoutItsLastNulFailsWithOneLocatedLine() throws IOException {
        byte[] bytes = ModinfoFixtures.bytes(UNSIGNED);
        org.modload.loader.elf.Section modinfo = org.modload.loader.elf.ElfFile.parse("demo_user.ko",
                ByteBuffer.wrap(bytes)).section(".modinfo").orElseThrow();
        int last = (int) (modinfo.header().offset() + modinfo.size() - 1);
        assertEquals(0, bytes[last]);
        bytes[last] = '!';
        Path ko = Files.write(dir.resolve("demo_user.ko"), bytes);
        int start = last;
        while (bytes[start - 1] != 0) {
            start--;
        }
        String entry = new String(bytes, start, last + 1 - start, StandardCharsets.US_ASCII);
        assertEquals(new CliRun(1, "", String.format("demo_user.ko:(.modinfo+0x%x): entry \"%s\" (%d bytes) is not"
                + " NUL-terminated%n", start - modinfo.header().offset(), entry, entry.length())),
                modload("modinfo", ko.toString()));
    }

    @Test
    void aModuleWithoutModinfoFails() throws IOException {
        byte[] bytes = ModinfoFixtures.bytes(UNSIGNED);
        byte[] name = ".modinfo\0".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(bytes, name);
        bytes[at + name.length - 2] = 'X';
        Path ko = Files.write(dir.resolve("demo_user.ko"), bytes);
        assertEquals(new CliRun(1, "", "demo_user.ko: no .modinfo section\n"), modload("modinfo", ko.toString()));
    }

    @Test
    void aFileThatIsNotElfFailsWithTheParsersMessage() throws IOException {
        Path ko = Files.write(dir.resolve("junk.ko"), "not an object".getBytes(StandardCharsets.US_ASCII));
        CliRun run = modload("modinfo", ko.toString());
        assertEquals(1, run.status());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("junk.ko: ") && run.err().lines().count() == 1, run.err());
    }

    @Test
    void aMissingFileFailsAsKmodsDoes() {
        // Not an existing file, so kmod 30 looks it up as an alias: "modinfo: ERROR: Module /d/absent.ko not found."
        Path ko = dir.resolve("absent.ko");
        assertEquals(new CliRun(1, "", "modinfo: ERROR: Module " + ko + " not found.\n"), modload("modinfo", ko.toString()));
    }

    @Test
    void noFileIsAUsageError() {
        assertEquals(2, modload("modinfo").status());
    }

    private static int indexOf(byte[] bytes, byte[] what) {
        for (int i = 0; i + what.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    private static CliRun modload(String... args) {
        return CliRun.run(args);
    }
}
