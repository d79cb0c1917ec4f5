package org.modload.loader.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.loader.diag.ElfCheck;
import org.modload.loader.diag.MalformedElfException;
import org.modload.loader.testing.ExternalTools;

/**
 * SHF_COMPRESSED sections of objects built by gcc ({@code -gz=zlib}) and objcopy
 * ({@code --compress-debug-sections=zstd}): the Elf_Chdr is read, relocations are bounded by
 * ch_size, and the inflated contents equal, byte for byte, what {@code objcopy
 * --decompress-debug-sections} writes for the same section (the oracle, run here).
 */
class CompressedSectionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"compressed-zlib.o", "compressed-zstd.o"})
    void contentsInflateToWhatObjcopyDecompresses(String fixture, @TempDir Path dir) throws IOException {
        Path objcopy = ExternalTools.require("objcopy", "binutils");
        Path in = Files.write(dir.resolve(fixture), Fixtures.bytes(fixture));
        Path out = dir.resolve("plain.o");
        ExternalTools.run(List.of(objcopy.toString(), "--decompress-debug-sections", in.toString(), out.toString()));
        ElfFile ours = ElfFile.parse(fixture, ByteBuffer.wrap(Files.readAllBytes(in)));
        ElfFile plain = ElfFile.parse("plain.o", ByteBuffer.wrap(Files.readAllBytes(out)));
        CompressionType expected = fixture.contains("zstd") ? CompressionType.ELFCOMPRESS_ZSTD
                : CompressionType.ELFCOMPRESS_ZLIB;
        int compressed = 0;
        for (Section s : ours.sections()) {
            Section p = plain.section(s.index());
            assertEquals(p.name(), s.name());
            if (s.compression().isEmpty()) {
                continue;
            }
            compressed++;
            assertEquals(expected, s.compression().get().type(), s.name());
            assertTrue(s.header().has(SectionFlags.SHF_COMPRESSED));
            assertEquals(p.header().size(), s.size(), s.name() + ": logical size is ch_size");
            assertEquals(p.header().addralign(), s.alignment(), s.name() + ": logical alignment is ch_addralign");
            assertTrue(s.header().size() < s.size() || s.name().contains("str"), s.name() + " is smaller in the file");
            assertEquals(p.bytes(), s.bytes(), s.name() + ": inflated contents");
        }
        assertTrue(compressed >= 4, "compressed sections: " + compressed);
        RelocationSection info = ours.relocationSections().stream()
                .filter(r -> r.target().name().equals(".debug_info")).findFirst().orElseThrow();
        long last = info.entries().stream().mapToLong(Relocation::offset).max().orElseThrow();
        assertTrue(last >= info.target().header().size(),
                "a relocation beyond the compressed sh_size (0x" + Long.toHexString(last) + ") is accepted");
    }

    @ParameterizedTest
    @ValueSource(strings = {"compressed-zlib.o", "compressed-zstd.o"})
    void aBadHeaderIsALocatedErrorOnlyWhenContentsAreRead(String fixture) {
        ElfFile ok = ElfFile.parse("c.o", ByteBuffer.wrap(Fixtures.bytes(fixture)));
        Section info = ok.section(".debug_info").orElseThrow();
        int chdr = (int) info.header().offset();

        byte[] unknown = Fixtures.bytes(fixture);
        ByteBuffer.wrap(unknown).order(ByteOrder.LITTLE_ENDIAN).putInt(chdr, 7);
        ElfFile f = ElfFile.parse("c.o", ByteBuffer.wrap(unknown));
        Section s = f.section(info.index());
        assertEquals(new CompressionType(7), s.compression().orElseThrow().type());
        MalformedElfException e = assertThrows(MalformedElfException.class, s::bytes);
        assertEquals(ElfCheck.COMPRESSION, e.check());
        assertEquals("c.o: section header " + info.index() + " (.debug_info): unknown compression type ch_type 7"
                + " (known: 1 ELFCOMPRESS_ZLIB, 2 ELFCOMPRESS_ZSTD)", e.getMessage());

        byte[] huge = Fixtures.bytes(fixture);
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(chdr + 8, 0x7fff_ffff_0000L);
        Section h = ElfFile.parse("c.o", ByteBuffer.wrap(huge)).section(info.index());
        e = assertThrows(MalformedElfException.class, h::bytes);
        assertEquals(ElfCheck.COMPRESSION, e.check());
        assertTrue(e.getMessage().startsWith("c.o: section header " + info.index()
                + " (.debug_info): ch_size 0x7fffffff0000 is more than "), e.getMessage());

        // .debug_abbrev has no relocations, so a ch_size one short parses and fails only on reading.
        Section abbrev = ok.section(".debug_abbrev").orElseThrow();
        byte[] small = Fixtures.bytes(fixture);
        ByteBuffer.wrap(small).order(ByteOrder.LITTLE_ENDIAN).putLong((int) abbrev.header().offset() + 8,
                abbrev.size() - 1);
        Section sm = ElfFile.parse("c.o", ByteBuffer.wrap(small)).section(abbrev.index());
        e = assertThrows(MalformedElfException.class, sm::bytes);
        assertEquals(ElfCheck.COMPRESSION, e.check());
        assertTrue(e.getMessage().contains("stream inflates to more than ch_size")
                || e.getMessage().contains("zstd stream") || e.getMessage().contains("corrupt zstd"), e.getMessage());
    }
}
