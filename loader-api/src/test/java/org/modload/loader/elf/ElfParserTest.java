package org.modload.loader.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.loader.testing.ExternalTools;

/** Well-formed objects read right; expectations come from the fixtures' readelf dumps. */
class ElfParserTest {

    private static ElfFile parse(String fixture) {
        return ElfFile.parse(fixture, ByteBuffer.wrap(Fixtures.bytes(fixture)));
    }

    @Test
    void readsA64BitLittleEndianObject() {
        ElfFile f = parse("x86_64-basic.o");
        assertEquals(ElfClass.ELFCLASS64, f.elfClass());
        assertEquals(ElfData.ELFDATA2LSB, f.data());
        assertEquals(Machine.EM_X86_64, f.machine());
        assertEquals(11, f.sections().size());
        assertEquals(".rela.init.text", f.section(7).name());
        assertEquals(8, f.symbols().size());
        Symbol maybe = f.symbols().get(7);
        assertEquals("maybe", maybe.name());
        assertEquals(SymbolBinding.STB_WEAK, maybe.bind());
        assertTrue(maybe.isUndefined());
        assertEquals(3, f.relocationSections().size());
        // readelf: 0000000000000008  0000000400000001 R_X86_64_64  printk + 10
        Relocation r = f.relocationSections().get(1).entries().get(1);
        assertEquals(new Relocation(8, 1, 4, OptionalLong.of(0x10)), r);
        // readelf: 0000000000000001  0000000400000004 R_X86_64_PLT32  printk - 4
        assertEquals(OptionalLong.of(-4), f.relocationSections().get(0).entries().get(0).addend());
    }

    @Test
    void relAddendsAreAbsentNotZero() {
        ElfFile f = parse("i386-basic.o");
        assertEquals(ElfClass.ELFCLASS32, f.elfClass());
        RelocationSection rel = f.relocationSections().get(0);
        assertFalse(rel.isRela());
        assertTrue(rel.entries().stream().allMatch(e -> e.addend().isEmpty()));
        assertEquals(".text", rel.target().name());
    }

    @Test
    void readsABigEndianObject() {
        ElfFile f = parse("ia64-be.o");
        assertEquals(ElfData.ELFDATA2MSB, f.data());
        assertEquals(Machine.EM_IA_64, f.machine());
        RelocationSection data = f.relocationSections().stream()
                .filter(s -> s.section().name().equals(".rela.data")).findFirst().orElseThrow();
        // readelf: 0000000000000008  0000000500000026 R_IA64_DIR64MSB  target + 8
        assertEquals(new Relocation(8, 0x26, 5, OptionalLong.of(8)), data.entries().get(1));
        assertEquals("target", f.symbols().get(5).name());
    }

    @Test
    void sectionBytesAreReadOnlyViewsOfTheInput() {
        byte[] bytes = Fixtures.bytes("x86_64-basic.o");
        ElfFile f = ElfFile.parse("x.o", ByteBuffer.wrap(bytes));
        ByteBuffer text = f.section(1).bytes();
        assertTrue(text.isReadOnly());
        assertEquals(0x13, text.remaining());
        // .text starts at file offset 0x40: a change to the input shows through the view (no copy).
        bytes[0x40] = (byte) 0xcc;
        assertEquals((byte) 0xcc, f.section(1).bytes().get(0));
        assertEquals(0, f.section(5).bytes().remaining(), "SHT_NOBITS has no file bytes");
    }

    @Test
    void otherTypesAreReadButRefusedAsRelocatable() {
        byte[] bytes = Fixtures.bytes("x86_64-basic.o");
        bytes[16] = 3; // ET_DYN
        ElfHeader h = ElfFile.readHeader("x.o", ByteBuffer.wrap(bytes));
        assertEquals(ElfType.ET_DYN, h.type());
        assertEquals("ET_DYN", h.type().specName());
        ElfFile f = ElfFile.parse("x.o", ByteBuffer.wrap(bytes));
        assertEquals(ElfType.ET_DYN, f.type());
        assertEquals(11, f.sections().size());
        org.modload.loader.diag.MalformedElfException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.modload.loader.diag.MalformedElfException.class, f::requireRelocatable);
        assertEquals(org.modload.loader.diag.ElfCheck.TYPE, e.check());
        assertEquals("x.o: not a relocatable object: e_type is ET_DYN", e.getMessage());
        ElfFile.parse("x.o", ByteBuffer.wrap(Fixtures.bytes("x86_64-basic.o"))).requireRelocatable();
    }

    @Test
    void namesOfMachinesWeDoNotRelocate() {
        assertEquals("EM_AARCH64", new Machine(183).specName());
        assertEquals("EM_RISCV", new Machine(243).specName());
        assertEquals("unknown(260)", new Machine(260).specName());
        assertEquals("SHT_ARM_EXIDX", new SectionType(0x70000001).specName(Machine.EM_ARM));
        assertEquals("SHT_X86_64_UNWIND", new SectionType(0x70000001).specName(Machine.EM_X86_64));
        assertEquals("unknown(1879048193)", new SectionType(0x70000001).specName(Machine.EM_386));
        assertEquals("SHT_GNU_HASH", new SectionType(0x6ffffff6).specName(Machine.EM_386));
        assertEquals("unknown(2147483648)", new SectionType(0x80000000).specName(Machine.EM_ARM));
    }

    @Test
    void extendedSectionNumbering(@TempDir Path dir) throws IOException {
        Path as = ExternalTools.require("as", "binutils");
        int n = 66000;
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(".section .t").append(i).append(",\"a\"\n.globl s").append(i).append("\ns").append(i)
                    .append(": .byte 1\n");
        }
        s.append(".section .t").append(n - 1).append(",\"a\"\n.quad s").append(n - 2).append(" + 3\n");
        Path src = dir.resolve("many.s");
        Files.writeString(src, s);
        Path obj = dir.resolve("many.o");
        ExternalTools.run(List.of(as.toString(), "--64", "-o", obj.toString(), src.toString()));
        ElfFile f = ElfFile.parse("many.o", ByteBuffer.wrap(Files.readAllBytes(obj)));
        assertEquals(0, f.header().shnum(), "e_shnum is 0: the count lives in section 0");
        assertEquals(SectionIndex.SHN_XINDEX, f.header().shstrndx());
        assertTrue(f.sections().size() > 0xff00);
        Symbol last = f.symbols().stream().filter(x -> x.name().equals("s" + (n - 1))).findFirst().orElseThrow();
        assertEquals(SectionIndex.SHN_XINDEX, last.rawShndx());
        assertEquals(".t" + (n - 1), f.section(last.shndx()).name());
        assertTrue(last.isInSection());
        RelocationSection rs = f.relocationSections().get(f.relocationSections().size() - 1);
        assertEquals(".t" + (n - 1), rs.target().name());
        assertEquals("s" + (n - 2), f.symbols().get(rs.entries().get(0).symbol()).name());
    }
}
