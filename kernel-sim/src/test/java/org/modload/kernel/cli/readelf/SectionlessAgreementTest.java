package org.modload.kernel.cli.readelf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Files without section headers: the linked fixtures (loader-api's {@code regen-linked.sh}) with
 * e_shoff, e_shnum and e_shstrndx set to 0, as {@code objcopy --strip-section-headers} would
 * leave them (binutils 2.41+; this machine has 2.40, so the test patches the header). Their
 * dynamic symbols, found through PT_DYNAMIC's DT_SYMTAB/DT_STRTAB and counted by DT_HASH or
 * DT_GNU_HASH, with their versions through DT_VERSYM/DT_VERDEF/DT_VERNEED, equal what
 * {@code readelf --syms --use-dynamic} prints ({@code --dyn-syms -D} prints nothing for such a
 * file in binutils 2.40); segments, dynamic entries and notes are compared as for every file.
 */
class SectionlessAgreementTest {
    private static final Path FIXTURES = Path.of("../loader-api/src/test/resources/fixtures");

    static Path withoutSectionHeaders(Path fixture, Path dir) throws IOException {
        byte[] b = Files.readAllBytes(fixture);
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (b[4] == 2) {
            h.putLong(0x28, 0).putShort(0x3c, (short) 0).putShort(0x3e, (short) 0);
        } else {
            h.putInt(0x20, 0).putShort(0x30, (short) 0).putShort(0x32, (short) 0);
        }
        return Files.write(dir.resolve(fixture.getFileName() + ".nosections"), b);
    }

    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource({"x86_64-dyn.so, DT_HASH and DT_GNU_HASH", "x86_64-dyn.exe, DT_GNU_HASH",
        "i386-dyn.so, DT_GNU_HASH", "i386-dyn.exe, DT_HASH"})
    void dynamicSymbolsThroughPtDynamicAgreeWithReadelf(String fixture, String hashes, @TempDir Path dir)
            throws IOException {
        Path original = FIXTURES.resolve(fixture);
        Path stripped = withoutSectionHeaders(original, dir);
        Readelf.Model readelf = Readelf.read(stripped);
        assertEquals(List.of(), readelf.sections(), "readelf sees no sections");
        for (String tag : hashes.split(" and ")) {
            assertTrue(readelf.dynamic().stream().anyMatch(d -> d.name().equals(tag)), tag);
        }
        // readelf's count through the hash table is its count of the .dynsym section.
        int dynsym = Readelf.read(original).dynamicSymbols().size();
        assertEquals(dynsym, readelf.dynamicSymbols().size(), "readelf -s -D against readelf --dyn-syms");
        assertTrue(readelf.dynamicSymbols().stream().anyMatch(s -> s.name().contains("@")), "versioned symbols");
        ReadelfAgreementTest.assertAgrees(stripped);
        System.out.printf("section-less %s: %d dynamic symbols (%s) agree with readelf -s -D%n", fixture, dynsym,
                hashes);
    }

    /**
     * A GNU hash table that hashes no symbol (every bucket 0): the table then holds symoffset
     * symbols, all unhashed, which is our count (and LLVM ELFDumper's rule). readelf 2.40 gives up
     * on such a table ("Dynamic symbol information is not available for displaying symbols"), so
     * the oracle for those symbols is readelf's own listing of the same bytes in the file with its
     * section headers: the first symoffset rows of its .dynsym. i386-dyn.so's three buckets are at
     * 0x130 (.gnu.hash at 0x118, 16 header bytes, bloom_size 2 of 4 bytes); symoffset is 6.
     */
    @Test
    void gnuHashWithoutHashedSymbolsCountsSymoffset(@TempDir Path dir) throws IOException {
        Path original = FIXTURES.resolve("i386-dyn.so");
        byte[] b = Files.readAllBytes(withoutSectionHeaders(original, dir));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0x130, 0).putInt(0x134, 0).putInt(0x138, 0);
        Path empty = Files.write(dir.resolve("empty-buckets"), b);
        assertTrue(Readelf.run(empty, "-s", "-D").contains("Dynamic symbol information is not available"),
                "readelf 2.40 gives up on a GNU hash table without hashed symbols");
        Readelf.Model stripped = Readelf.read(empty);
        List<Readelf.SymbolRow> first = Readelf.read(original).dynamicSymbols().subList(0, 6);
        Readelf.Model oracle = new Readelf.Model(stripped.header(), stripped.sections(), stripped.symbols(),
                stripped.relocations(), first, stripped.segments(), stripped.dynamic(), stripped.notes(),
                stripped.relr(), stripped.compressions());
        assertEquals(List.of(), ReadelfAgreement.compare(ReadelfAgreement.modloadJson(empty), oracle));
    }

    /** The comparison sees the dynamic symbols: one missing is a difference. */
    @Test
    void aMissingDynamicSymbolIsReported(@TempDir Path dir) throws IOException {
        Path stripped = withoutSectionHeaders(FIXTURES.resolve("x86_64-dyn.so"), dir);
        Readelf.Model readelf = Readelf.read(stripped);
        Map<String, Object> json = ReadelfAgreement.modloadJson(stripped);
        assertEquals(List.of(), ReadelfAgreement.compare(json, readelf));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> dynsyms = (List<Map<String, Object>>) json.get("dynsyms");
        dynsyms.remove(dynsyms.size() - 1);
        List<String> diffs = ReadelfAgreement.compare(json, readelf);
        assertEquals(List.of("dynsyms: modload has 12, readelf 13"), diffs);
    }
}
