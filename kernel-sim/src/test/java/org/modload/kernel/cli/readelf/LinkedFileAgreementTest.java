package org.modload.kernel.cli.readelf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.cli.Main;

/**
 * The linked-file fixtures (loader-api's {@code regen-linked.sh}: an x86_64 and an i386 shared
 * object and PIE, with versions defined, hidden and needed) equal readelf field for field, as
 * committed and with PN_XNUM numbering; and a corrupt one is one located line from
 * {@code modload elf}, with no stack trace.
 */
class LinkedFileAgreementTest {
    private static final Path FIXTURES = Path.of("../loader-api/src/test/resources/fixtures");

    @ParameterizedTest
    @ValueSource(strings = {"x86_64-dyn.so", "x86_64-dyn.exe", "i386-dyn.so", "i386-dyn.exe"})
    void linkedFixtureAgreesWithReadelf(String fixture) {
        Path file = FIXTURES.resolve(fixture);
        Readelf.Model readelf = Readelf.read(file);
        assertTrue(readelf.dynamicSymbols().size() > 5, "dynamic symbols");
        assertTrue(readelf.dynamic().stream().anyMatch(d -> d.name().equals("DT_VERNEED")), "needed versions");
        ReadelfAgreementTest.assertAgrees(file);
    }

    /**
     * PN_XNUM: e_phnum 0xffff says the count is in section 0's sh_info; readelf reads it there
     * too ("Number of program headers: 65535 (11)") and shows the same 11 program headers (its
     * -h pass also says "Too many program headers - 0xffff", from a size check made before it
     * applies PN_XNUM, and -t warns of section 0's sh_info; both on standard error).
     */
    @Test
    void pnXnumCountFromSectionZero(@TempDir Path dir) throws IOException {
        byte[] b = Files.readAllBytes(FIXTURES.resolve("x86_64-dyn.exe"));
        // e_phnum at 56; x86_64-dyn.exe's section headers at 0x1700, sh_info at +44.
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(56, (short) 0xffff).putInt(0x1700 + 44, 11);
        Path file = Files.write(dir.resolve("xnum.exe"), b);
        assertTrue(Readelf.run(file, "-h").contains("Number of program headers:         65535 (11)"),
                () -> Readelf.run(file, "-h"));
        assertEquals(11, Readelf.read(file).segments().size());
        ReadelfAgreementTest.assertAgrees(file);
    }

    /** Crafted corruption on the command line: exit status 1 and the located line, nothing else. */
    @Test
    void corruptFileIsOneLocatedLine(@TempDir Path dir) throws IOException {
        Path stripped = SectionlessAgreementTest.withoutSectionHeaders(FIXTURES.resolve("x86_64-dyn.so"), dir);
        byte[] b = Files.readAllBytes(stripped);
        // .hash at 0x1b8: nchain at +4 (readelf -a: 3 buckets, 13 chains).
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0x1b8 + 4, 0x7fffffff);
        Path file = Files.write(dir.resolve("huge.so"), b);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(new String[] {"elf", "--json", file.toString()}, new PrintWriter(out),
                new PrintWriter(err));
        assertEquals(1, status);
        assertEquals("", out.toString());
        assertEquals(List.of("huge.so: program header 2: DT_HASH 0x1b8: nbucket 3 and nchain 2147483647 (4-byte"
                + " words) run past the PT_LOAD that holds the table"), err.toString().lines().toList());
    }
}
