package org.modload.kernel.cli.readelf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The readelf text shapes the real objects in {@link ReadelfAgreementTest} do not all produce
 * (hex symbol sizes, reserved Ndx names, OS-specific types, 32-bit RELA), and the JSON reader.
 * The lines are binutils 2.40 output, trimmed.
 */
class ReadelfParsingTest {

    private static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }

    @Test
    void symbolColumns() {
        String text = """

                Symbol table '.dynsym' contains 1 entry:
                   Num:    Value          Size Type    Bind   Vis      Ndx Name
                     0: 0000000000000000     0 NOTYPE  LOCAL  DEFAULT  UND\s

                Symbol table '.symtab' contains 6 entries:
                   Num:    Value          Size Type    Bind   Vis      Ndx Name
                     0: 0000000000000000     0 NOTYPE  LOCAL  DEFAULT  UND\s
                     1: ffffffff81000000 0x186a0 OBJECT  GLOBAL DEFAULT   12 big table
                     2: 0000000000000010 99999 IFUNC   UNIQUE PROTECTED 65540 s65535
                     3: 0000000000000008    16 <OS specific>: 11 <processor specific>: 13 HIDDEN [<other>: 80]  COM c
                     4: 0000000000000000     0 TLS     WEAK   INTERNAL LARGE_COM l
                     5: 0000000000000000     0 NOTYPE  LOCAL  DEFAULT OS [0xff20] o
                """;
        List<Readelf.SymbolRow> rows = Readelf.parseSymbols(text, ".symtab");
        assertEquals(List.of(
                new Readelf.SymbolRow(0, "", big(0), big(0), "STT_NOTYPE", "STB_LOCAL", "STV_DEFAULT", big(0)),
                new Readelf.SymbolRow(1, "big table", new BigInteger("ffffffff81000000", 16), big(100_000),
                        "STT_OBJECT", "STB_GLOBAL", "STV_DEFAULT", big(12)),
                new Readelf.SymbolRow(2, "s65535", big(16), big(99_999), "STT_GNU_IFUNC", "STB_GNU_UNIQUE",
                        "STV_PROTECTED", big(65_540)),
                new Readelf.SymbolRow(3, "c", big(8), big(16), "unknown(11)", "unknown(13)", "STV_HIDDEN", big(0xfff2)),
                new Readelf.SymbolRow(4, "l", big(0), big(0), "STT_TLS", "STB_WEAK", "STV_INTERNAL", big(0xff02)),
                new Readelf.SymbolRow(5, "o", big(0), big(0), "STT_NOTYPE", "STB_LOCAL", "STV_DEFAULT", big(0xff20))),
                rows);
    }

    @Test
    void relocationColumns() {
        String rela64 = """

                Relocation section '.rela.text' at offset 0x598 contains 4 entries:
                    Offset             Info             Type               Symbol's Value  Symbol's Name + Addend
                0000000000000003  0000000200000002 R_X86_64_PC32          0000000000000000 .bss - 4
                0000000000000000  0000000000000001 R_X86_64_64                               20
                0000000000000008  0000000000000001 R_X86_64_64                               -20
                0000000000000010  000101c700000001 R_X86_64_64            0000000000000000 s65990 + 7fffffffffffffff
                """;
        assertEquals(List.of(
                new Readelf.RelocationRow(".rela.text", big(3), big(2), big(2), big(-4)),
                new Readelf.RelocationRow(".rela.text", big(0), big(1), big(0), big(0x20)),
                new Readelf.RelocationRow(".rela.text", big(8), big(1), big(0), big(-0x20)),
                new Readelf.RelocationRow(".rela.text", big(16), big(1), big(0x101c7), big(Long.MAX_VALUE))),
                Readelf.parseRelocations(rela64, true));

        String rel32 = """

                Relocation section '.rel.text' at offset 0x4b4 contains 1 entry:
                 Offset     Info    Type                Sym. Value  Symbol's Name
                0000004f  00001702 R_386_PC32             00000000   kfree
                """;
        assertEquals(List.of(new Readelf.RelocationRow(".rel.text", big(0x4f), big(2), big(0x17), null)),
                Readelf.parseRelocations(rel32, false));

        assertThrows(IllegalStateException.class, () -> Readelf.parseRelocations(rel32.replace("1 entry", "2 entries"), false));
    }

    @Test
    void sectionColumns() {
        String text = """
                There are 3 section headers, starting at offset 0x2cfc40:

                Section Headers:
                  [Nr] Name
                       Type            Address          Off    Size   ES   Lk Inf Al
                       Flags
                  [ 0]\s
                       NULL            0000000000000000 000000 000000 00   0   0  0
                       [0000000000000000]:\s
                  [ 1] .symtab_shndx
                       SYMTAB SECTION INDICES 0000000000000000 192dc0 040744 04  66006   0  4
                       [0000000000000000]:\s
                  [ 2] .odd
                       LOPROC+0x5      0000000000000010 1000000 000008 00   0   0 4096
                       [0000000010000003]: WRITE, ALLOC, GNU_RETAIN
                """;
        assertEquals(List.of(
                new Readelf.SectionRow(0, "", "SHT_NULL", big(0), big(0), big(0), big(0), big(0), big(0), big(0), big(0)),
                new Readelf.SectionRow(1, ".symtab_shndx", "SHT_SYMTAB_SHNDX", big(0), big(0), big(0x192dc0),
                        big(0x40744), big(66006), big(0), big(4), big(4)),
                new Readelf.SectionRow(2, ".odd", "unknown(" + 0x70000005L + ")", big(0x10000003), big(16),
                        big(0x1000000), big(8), big(0), big(0), big(4096), big(0))),
                Readelf.parseSections(text));
    }

    @Test
    void headerFields() {
        String text = """
                ELF Header:
                  Class:                             ELF32
                  Data:                              2's complement, big endian
                  Version:                           1 (current)
                  Type:                              REL (Relocatable file)
                  Machine:                           <unknown>: 0xb7
                """;
        assertEquals(new Readelf.Header("ELFCLASS32", "ELFDATA2MSB", "ET_REL", "unknown(183)"), Readelf.parseHeader(text));
    }

    @Test
    void miniJsonReadsTheShapesModloadPrints() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", new BigInteger("18446744073709551615"));
        expected.put("b", Arrays.asList(big(-4), null, "q\"\\\n\u00e9", Map.of()));
        expected.put("c", List.of());
        assertEquals(expected, MiniJson.parse(" {\"a\":18446744073709551615, \"b\" : [-4,null,\"q\\\"\\\\\\n\\u00e9\",{}],\"c\":[]} "));
        assertThrows(IllegalArgumentException.class, () -> MiniJson.parse("{\"a\":1.5}"));
        assertThrows(IllegalArgumentException.class, () -> MiniJson.parse("[1,]"));
        assertThrows(IllegalArgumentException.class, () -> MiniJson.parse("{\"a\":1} x"));
    }
}
