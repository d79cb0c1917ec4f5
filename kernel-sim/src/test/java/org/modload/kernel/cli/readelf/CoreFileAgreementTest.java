package org.modload.kernel.cli.readelf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Core files and ET_NONE files read by {@code modload elf --json} equal readelf field for field
 * ({@link ReadelfAgreement}: header, sections, segments, notes with their types, sizes and area
 * offsets, and the rest). The cores are committed fixtures ({@code readelf/core/regen.sh}): the
 * Linux kernel's cores of a 64-bit and a 32-bit program (no section headers, one PT_NOTE) and
 * gdb's gcore of the 64-bit one (BFD's section headers over the same kind of segments). The
 * ET_NONE files are committed fixtures with e_type set to 0 here, deterministically.
 */
class CoreFileAgreementTest {
    private static final Path CORES = Path.of("src/test/resources/readelf/core");
    private static final Path FIXTURES = Path.of("../loader-api/src/test/resources/fixtures");

    /** The notes every Linux core of a process carries, as readelf names them. */
    private static final List<String> PROCESS_NOTES =
            List.of("NT_PRSTATUS", "NT_PRPSINFO", "NT_FPREGSET", "NT_SIGINFO", "NT_AUXV", "NT_FILE");

    @ParameterizedTest
    @ValueSource(strings = {"x86_64.core", "i386.core", "x86_64-gdb.core"})
    void coreFileAgreesWithReadelf(String core) {
        Path file = CORES.resolve(core);
        Readelf.Model readelf = Readelf.read(file);
        assertEquals("ET_CORE", readelf.header().type());
        Set<String> types = new TreeSet<>();
        readelf.notes().forEach(n -> types.add(n.type()));
        assertTrue(types.containsAll(PROCESS_NOTES), "notes: " + types);
        assertTrue(readelf.segments().stream().anyMatch(s -> s.type().equals("PT_NOTE")), "a PT_NOTE");
        // The kernel keeps the memory coredump_filter leaves out as PT_LOADs without file bytes; gdb drops it.
        boolean kernel = readelf.sections().isEmpty();
        assertEquals(kernel, readelf.segments().stream().anyMatch(s -> s.type().equals("PT_LOAD")
                && s.filesz().signum() == 0 && s.memsz().signum() > 0), "an empty PT_LOAD");
        assertTrue(readelf.segments().stream().anyMatch(s -> s.type().equals("PT_LOAD") && s.filesz().signum() > 0),
                "a PT_LOAD with bytes");
        ReadelfAgreementTest.assertAgrees(file);
    }

    @Test
    void kernelCoresHaveNoSectionsAndGdbsHas() {
        assertEquals(List.of(), Readelf.read(CORES.resolve("x86_64.core")).sections());
        assertEquals(List.of(), Readelf.read(CORES.resolve("i386.core")).sections());
        Readelf.Model gdb = Readelf.read(CORES.resolve("x86_64-gdb.core"));
        assertTrue(gdb.sections().stream().anyMatch(s -> s.type().equals("SHT_NOTE")), "gdb's note0 section");
        assertTrue(gdb.notes().stream().anyMatch(n -> n.type().equals("NT_GDB_TDESC")), "gdb's target description");
        assertEquals("ELFCLASS32", Readelf.read(CORES.resolve("i386.core")).header().elfClass());
    }

    /** An ET_NONE file "where the rest is well-formed": a shared object and a relocatable object with e_type 0. */
    @ParameterizedTest
    @ValueSource(strings = {"x86_64-dyn.so", "i386-dyn.exe", "x86_64-basic.o"})
    void etNoneFileAgreesWithReadelf(String fixture, @TempDir Path dir) throws IOException {
        byte[] bytes = Files.readAllBytes(FIXTURES.resolve(fixture));
        bytes[16] = 0; // e_type, little-endian half-word at 16
        bytes[17] = 0;
        Path file = Files.write(dir.resolve(fixture + ".none"), bytes);
        Readelf.Model readelf = Readelf.read(file);
        assertEquals("ET_NONE", readelf.header().type());
        assertTrue(readelf.sections().size() > 5, "sections: " + readelf.sections().size());
        ReadelfAgreementTest.assertAgrees(file);
    }

    /** The comparison sees the notes: a wrong note size or area offset is a difference. */
    @Test
    void aWrongNoteIsReported() {
        Path core = CORES.resolve("x86_64.core");
        Readelf.Model readelf = Readelf.read(core);
        var json = ReadelfAgreement.modloadJson(core);
        assertEquals(List.of(), ReadelfAgreement.compare(json, readelf));
        @SuppressWarnings("unchecked")
        var first = ((List<java.util.Map<String, Object>>) json.get("notes")).get(0);
        first.put("offset", ((BigInteger) first.get("offset")).add(BigInteger.ONE));
        first.put("descsz", ((BigInteger) first.get("descsz")).add(BigInteger.ONE));
        List<String> diffs = ReadelfAgreement.compare(json, readelf);
        assertEquals(2, diffs.size(), diffs::toString);
        assertTrue(diffs.get(0).startsWith("note 0 (CORE): descsz: modload "), diffs.get(0));
        assertTrue(diffs.get(1).startsWith("note 0 (CORE): offset: modload "), diffs.get(1));
    }
}
