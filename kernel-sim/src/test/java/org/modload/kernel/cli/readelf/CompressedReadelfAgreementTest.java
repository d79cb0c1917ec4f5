package org.modload.kernel.cli.readelf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.modload.kernel.compress.Compression;
import org.modload.kernel.compress.Compressors;
import org.modload.kernel.compress.TestInputs;

/**
 * {@code modload elf --json} on a compressed module agrees with readelf on the module as the
 * distribution's own decompressor restores it: compressed by {@code make modules_install}'s
 * command, decompressed by {@code gzip -dc}, {@code xz -dc}, {@code zstd -dc}, all at test time.
 */
class CompressedReadelfAgreementTest {

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "XZ", "ZSTD"})
    void aCompressedModuleAgreesWithReadelfOnItsDecompressedImage(Compression c, @TempDir Path dir) throws IOException {
        for (String sample : List.of("x86_64/demo_user.ko", "i386/demo_core.ko")) {
            byte[] plain = TestInputs.resource("/org/modload/kernel/samples/" + sample);
            Path z = dir.resolve(sample.replace('/', '_') + Compressors.moduleSuffix(c));
            Files.write(z, Compressors.module(c, plain));
            Path restored = dir.resolve(sample.replace('/', '_'));
            Files.write(restored, Compressors.run(List.of(c.tool(), "-dc"), Files.readAllBytes(z)));
            assertEquals(List.of(), ReadelfAgreement.compare(ReadelfAgreement.modloadJson(z), Readelf.read(restored)),
                    z.toString());
        }
    }
}
