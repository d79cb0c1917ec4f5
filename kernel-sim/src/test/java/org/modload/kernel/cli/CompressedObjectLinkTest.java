package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.elf.Section;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;
import org.modload.loader.testing.LdDifferential;
import org.modload.loader.testing.RelocationFixtures;

/**
 * Must show 3 of issue 19: objects whose debug sections are zlib- ({@code gcc -g -gz=zlib}) and
 * zstd-compressed ({@code objcopy --compress-debug-sections=zstd}), committed in loader-api's
 * fixtures, are parsed, linked by the engine (KERNEL profile, Linux layout) and byte-identical to
 * GNU ld's link at the same addresses; {@code modload elf --json} shows each Elf_Chdr.
 */
public class CompressedObjectLinkTest {
    private static final Map<String, Long> KERNEL = Map.of("printk", 0xffffffff81100000L,
            "jiffies", 0xffffffff82200040L);

    @ParameterizedTest
    @ValueSource(strings = {"compressed-zlib.o", "compressed-zstd.o"})
    void linksAsGnuLdDoes(String fixture, @TempDir Path dir) throws IOException {
        Path object = fixture(fixture, dir);
        ElfFile obj = ElfFile.parse(fixture, ByteBuffer.wrap(Files.readAllBytes(object)));
        long compressed = obj.sections().stream().filter(s -> s.compression().isPresent()).count();
        assertTrue(compressed >= 4, "compressed sections: " + compressed);
        Architecture arch = Architectures.installed().require(Machine.EM_X86_64, fixture);
        LdDifferential.Comparison c = LdDifferential.forMachine(Machine.EM_X86_64)
                .compare(object, arch, RelocationFixtures.resolver(KERNEL), Files.createDirectories(dir.resolve("work")));
        assertEquals(List.of(), c.differences());
        assertTrue(c.sections() >= 3, "sections compared: " + c.sections());
        assertTrue(c.relocations() >= 5, "relocations compared: " + c.relocations());
    }

    @ParameterizedTest
    @ValueSource(strings = {"compressed-zlib.o", "compressed-zstd.o"})
    void jsonShowsTheCompressionHeader(String fixture, @TempDir Path dir) throws IOException {
        Path object = fixture(fixture, dir);
        ElfFile obj = ElfFile.parse(fixture, ByteBuffer.wrap(Files.readAllBytes(object)));
        Section info = obj.section(".debug_info").orElseThrow();
        String json = ElfJson.render(obj);
        String type = fixture.contains("zstd") ? "ELFCOMPRESS_ZSTD" : "ELFCOMPRESS_ZLIB";
        assertTrue(json.contains("\"name\":\".debug_info\",\"type\":\"SHT_PROGBITS\",\"flags\":2048,"), json);
        assertTrue(json.contains("\"compression\":{\"type\":\"" + type + "\",\"size\":" + info.size()), json);
    }

    /** Loader-api's fixture, by path: surefire runs in kernel-sim's directory, beside loader-api's. */
    public static Path fixture(String name, Path dir) throws IOException {
        return Files.copy(Path.of("../loader-api/src/test/resources/fixtures", name), dir.resolve(name));
    }
}
