package org.modload.kernel.cli.readelf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.loader.testing.ExternalTools;

/**
 * {@code modload elf --json} agrees with binutils readelf, field for field, on the committed
 * sample modules and on objects assembled here for the shapes the samples lack: a big-endian
 * ia64 object (unwind, group, note, common, absolute, weak, hidden and protected symbols) and an
 * x86_64 object with more than SHN_LORESERVE sections (extended numbering, SHT_SYMTAB_SHNDX).
 */
class ReadelfAgreementTest {
    /** Surefire runs in the module directory. */
    private static final Path SAMPLES = Path.of("src/main/resources/org/modload/kernel/samples");

    /** More sections than the 16-bit st_shndx/e_shnum can name (SHN_LORESERVE is 0xff00 = 65280). */
    private static final int MANY_SECTIONS = 66_000;

    @ParameterizedTest
    @ValueSource(strings = {"x86_64/hello.ko", "x86_64/demo_core.ko", "x86_64/demo_user.ko",
            "i386/hello.ko", "i386/demo_core.ko", "i386/demo_user.ko"})
    void committedSampleAgreesWithReadelf(String sample) {
        assertAgrees(SAMPLES.resolve(sample));
    }

    /** Loader-api's fixtures with zlib- and zstd-compressed debug sections: each Elf_Chdr as readelf -t shows it. */
    @ParameterizedTest
    @ValueSource(strings = {"compressed-zlib.o", "compressed-zstd.o"})
    void compressedSectionsAgreeWithReadelf(String fixture, @TempDir Path dir) throws IOException {
        Path object = org.modload.kernel.cli.CompressedObjectLinkTest.fixture(fixture, dir);
        Readelf.Model model = Readelf.read(object);
        assertTrue(model.compressions().size() >= 4, "compressed sections: " + model.compressions());
        assertAgrees(object);
    }

    @Test
    void bigEndianIa64ObjectAgreesWithReadelf(@TempDir Path dir) throws IOException {
        Path as = ExternalTools.require("ia64-linux-gnu-as", "binutils-ia64-linux-gnu");
        Path src = Files.writeString(dir.resolve("ia64.s"), """
                	.text
                	.global f
                	.type f,@function
                	.proc f
                f:
                	.prologue
                	.save ar.pfs, r34
                	alloc r34 = ar.pfs, 0, 3, 0, 0
                	.body
                	nop 0
                	br.ret.sptk.many b0
                	.endp f
                	.size f, .-f

                	.section .text.grp,"axG",@progbits,grpsig,comdat
                	.global grpsig
                	.hidden grpsig
                	.proc grpsig
                grpsig:
                	nop 0
                	br.ret.sptk.many b0
                	.endp grpsig

                	.data
                	.global d
                	.type d,@object
                	.size d,48
                	.protected d
                d:	data8 f
                	data8 @fptr(f)
                	data4 ext + 16
                	data4 0
                	data8 ext - 8
                	data8 d + 0x12345678
                	data8 weakref - 0x100
                	.weak weakref
                	.comm common_obj,16,8
                	.global absval
                absval = 0x1234

                	.section .note.modload,"a",@note
                	data4 4, 4, 1
                	stringz "GNU"
                	data4 0
                	.section .init_array,"aw",@init_array
                	data8 @fptr(f)
                	.bss
                	.skip 32
                """);
        Path obj = dir.resolve("ia64.o");
        ExternalTools.run(List.of(as.toString(), "-mbe", "-o", obj.toString(), src.toString()));

        Readelf.Model model = Readelf.read(obj);
        assertEquals("ELFDATA2MSB", model.header().data());
        assertTrue(model.sections().stream().anyMatch(s -> s.type().equals("SHT_IA_64_UNWIND")), "an unwind section");
        assertTrue(model.relocations().stream().anyMatch(r -> r.addend().signum() < 0), "a negative addend");
        assertAgrees(obj);
    }

    @Test
    void objectWithExtendedSectionIndexesAgreesWithReadelf(@TempDir Path dir) throws IOException {
        Path as = ExternalTools.require("as", "binutils");
        StringBuilder src = new StringBuilder();
        for (int i = 0; i < MANY_SECTIONS; i++) {
            src.append("\t.section .t.").append(i).append(",\"a\"\n\t.globl s").append(i)
                    .append("\ns").append(i).append(":\t.byte 1\n");
        }
        int last = MANY_SECTIONS - 1;
        int high = MANY_SECTIONS - 5;
        // A local label in a high section makes gas relocate against that section's (nameless) symbol.
        src.append("\t.section .t.").append(high).append(",\"a\"\n.Lhigh:\t.byte 2\n");
        src.append("\t.section .t.").append(last).append(",\"a\"\n\t.quad s65500\n\t.quad s10 + 3\n\t.quad .Lhigh + 1\n");
        // Symbol index 0: readelf prints these addends bare ("20", "-20").
        src.append("\t.section .t.10,\"a\"\n\t.quad s65990 - 8\n")
                .append("\t.reloc s10, R_X86_64_64, 0x20\n\t.reloc s10, R_X86_64_64, -0x20\n");
        Path s = Files.writeString(dir.resolve("many.s"), src);
        Path obj = dir.resolve("many.o");
        ExternalTools.run(List.of(as.toString(), "--64", "-o", obj.toString(), s.toString()));

        Readelf.Model model = Readelf.read(obj);
        BigInteger loreserve = BigInteger.valueOf(0xff00);
        assertTrue(model.sections().size() > MANY_SECTIONS, "sections: " + model.sections().size());
        assertTrue(model.sections().stream().anyMatch(x -> x.type().equals("SHT_SYMTAB_SHNDX")), "SHT_SYMTAB_SHNDX");
        assertTrue(model.symbols().stream().anyMatch(x -> x.shndx().compareTo(BigInteger.valueOf(0xffff)) > 0),
                "symbols beyond 0xffff");
        assertTrue(model.symbols().stream().anyMatch(x -> x.type().equals("STT_SECTION")
                && x.shndx().compareTo(loreserve) >= 0), "a section symbol beyond SHN_LORESERVE");
        assertTrue(model.relocations().stream().anyMatch(r -> r.symbol().signum() == 0
                && r.addend().signum() < 0), "a symbol-0 relocation with a negative addend");
        assertAgrees(obj);
    }

    @Test
    void aWrongModelIsReported() {
        Path sample = SAMPLES.resolve("x86_64/demo_core.ko");
        Readelf.Model readelf = Readelf.read(sample);
        assertEquals(List.of(), ReadelfAgreement.compare(ReadelfAgreement.modloadJson(sample), readelf));

        Map<String, Object> json = ReadelfAgreement.modloadJson(sample);
        Map<String, Object> text = section(json, 1);
        text.put("size", ((BigInteger) text.get("size")).add(BigInteger.ONE));
        List<String> diffs = ReadelfAgreement.compare(json, readelf);
        assertEquals(1, diffs.size(), diffs::toString);
        assertTrue(diffs.get(0).startsWith("section 1 (.text): size: modload "), diffs.get(0));

        json = ReadelfAgreement.modloadJson(sample);
        relocations(json).remove(0);
        diffs = ReadelfAgreement.compare(json, readelf);
        assertTrue(diffs.get(0).startsWith("relocations: modload has "), diffs.get(0));

        json = ReadelfAgreement.modloadJson(sample);
        relocations(json).get(0).put("addend", null);
        assertEquals(1, ReadelfAgreement.compare(json, readelf).size());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> json, int index) {
        return ((List<Map<String, Object>>) json.get("sections")).get(index);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> relocations(Map<String, Object> json) {
        return (List<Map<String, Object>>) json.get("relocations");
    }

    static void assertAgrees(Path object) {
        List<String> diffs = ReadelfAgreement.check(object);
        if (!diffs.isEmpty()) {
            fail(object + ": " + diffs.size() + " differences from readelf, first ones:\n  "
                    + String.join("\n  ", diffs.subList(0, Math.min(20, diffs.size()))));
        }
    }
}
