package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.modload.kernel.compress.Compression;
import org.modload.kernel.compress.Compressors;
import org.modload.kernel.compress.TestInputs;
import org.modload.kernel.modinfo.ModinfoFixtures;

/**
 * Compressed modules wherever a module is read: {@code modinfo} (kmod's output on the same
 * compressed file is the oracle), {@code insmod}, {@code modprobe}, {@code load-tree}, the shell
 * and {@code link}; each made at test time by the distribution's compressor with the options of
 * {@code make modules_install}. A compressed module that does not decompress is one located line.
 */
class CompressedModulesCliTest {
    private static final List<String> SAMPLES = List.of("hello", "demo_core", "demo_user", "demo_leaf");

    @TempDir
    Path dir;

    private static CliRun modload(String input, String... args) {
        return CliRun.withInput(input, args);
    }

    private static byte[] sample(String name) {
        return TestInputs.resource("/org/modload/kernel/samples/x86_64/" + name + ".ko");
    }

    /** Writes {@code bytes} compressed by {@code c}'s module command to {@code DIR/name.ko.<suffix>}. */
    private Path compressed(Path where, String name, byte[] bytes, Compression c) throws IOException {
        Path p = where.resolve(name + ".ko" + Compressors.moduleSuffix(c));
        Files.createDirectories(where);
        Files.write(p, Compressors.module(c, bytes));
        return p;
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "XZ", "ZSTD"})
    void modinfoOfACompressedSignedModuleIsKmods(Compression c) throws IOException {
        for (String fixture : List.of(ModinfoFixtures.AMD64_SIGNED, ModinfoFixtures.I686_SIGNED)) {
            Path plain = ModinfoFixtures.copy(fixture, dir);
            String name = plain.getFileName().toString().replace(".ko", "");
            Path z = compressed(dir, name, Files.readAllBytes(plain), c);
            String expected;
            if (Compressors.kmodReads(c)) {
                expected = ModinfoFixtures.kmod(null, z.toString());
            } else {
                // This kmod cannot open the file: its output for the plain module, named as the compressed one.
                String kmodPlain = ModinfoFixtures.kmod(null, plain.toString());
                assertTrue(kmodPlain.startsWith("filename:       " + plain + "\n"), kmodPlain);
                expected = "filename:       " + z + kmodPlain.substring(("filename:       " + plain).length());
            }
            CliRun r = modload("", "modinfo", z.toString());
            assertEquals(0, r.status(), r.err());
            assertEquals(expected, r.out(), z.toString());
            assertTrue(r.out().contains("\nsig_id:         PKCS#7\n"), "the signature of the decompressed image");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "XZ", "ZSTD"})
    void insmodModprobeAndLoadTreeTakeCompressedModules(Compression c) throws IOException {
        for (String s : SAMPLES) {
            compressed(dir, s, sample(s), c);
        }
        String suffix = ".ko" + Compressors.moduleSuffix(c);
        CliRun insmod = modload("", "insmod", dir.resolve("hello" + suffix).toString());
        assertEquals(0, insmod.status(), insmod.err());
        assertEquals("", insmod.err());

        CliRun modprobe = modload("", "modprobe", "--lsmod", "--tree", dir.toString(), "demo_leaf");
        assertEquals(0, modprobe.status(), modprobe.err());
        assertEquals(List.of("demo_leaf", "demo_user", "demo_core"),
                modprobe.out().lines().skip(1).map(l -> l.split("\\s+")[0]).toList());

        CliRun tree = modload("", "load-tree", "--tree", dir.toString());
        assertEquals(0, tree.status(), tree.out() + tree.err());
        assertTrue(tree.out().endsWith("loaded 4 of 4 modules\n"), tree.out());

        CliRun shell = modload("insmod " + dir.resolve("demo_core" + suffix) + "\nmodprobe demo_leaf\nlsmod\n", "shell",
                "--tree", dir.toString());
        assertEquals(0, shell.status(), shell.err());
        assertEquals(List.of("demo_leaf", "demo_user", "demo_core"),
                shell.out().lines().skip(1).map(l -> l.split("\\s+")[0]).toList());
    }

    /** kmod decides by content, not by name: so does every reader here. */
    @Test
    void theMagicDecidesNotTheName() throws IOException {
        Path xzNamedKo = dir.resolve("hello.ko");
        Files.write(xzNamedKo, Compressors.module(Compression.XZ, sample("hello")));
        Path plainNamedXz = dir.resolve("demo_core.ko.xz");
        Files.write(plainNamedXz, sample("demo_core"));
        assertEquals(0, modload("", "insmod", xzNamedKo.toString()).status());
        assertEquals(0, modload("", "insmod", plainNamedXz.toString()).status());
        assertEquals(ModinfoFixtures.kmod(null, xzNamedKo.toString()), modload("", "modinfo", xzNamedKo.toString()).out());
    }

    @Test
    void linkOfACompressedModuleWritesWhatLinkOfItsDecompressedImageWrites() throws IOException {
        Path z = compressed(dir, "demo_user", sample("demo_user"), Compression.ZSTD);
        Path plain = dir.resolve("plain.ko");
        // The distribution's decompressor makes the plain file the oracle link reads.
        Files.write(plain, Compressors.run(List.of("zstd", "-dc"), Files.readAllBytes(z)));
        Path symbols = dir.resolve("symbols.map");
        Files.writeString(symbols, "_printk\t0xffffffff81100000\ndemo_register\t0xffffffffc0010000\n"
                + "demo_unregister\t0xffffffffc0010040\n");
        CliRun a = modload("", "link", z.toString(), "--symbols", symbols.toString(), "--out", dir.resolve("a").toString());
        CliRun b = modload("", "link", plain.toString(), "--symbols", symbols.toString(), "--out",
                dir.resolve("b").toString());
        assertEquals(0, a.status(), a.err());
        assertEquals(0, b.status(), b.err());
        List<String> files;
        try (var s = Files.list(dir.resolve("b"))) {
            files = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertTrue(files.contains("layout.tsv") && files.size() > 3, files.toString());
        for (String f : files) {
            assertEquals(Arrays.toString(Files.readAllBytes(dir.resolve("b").resolve(f))),
                    Arrays.toString(Files.readAllBytes(dir.resolve("a").resolve(f))), f);
        }
    }

    @Test
    void aTruncatedCompressedModuleIsOneLocatedLineEverywhere() throws IOException {
        for (String s : SAMPLES) {
            Files.write(dir.resolve(s + ".ko"), sample(s));
        }
        byte[] z = Compressors.module(Compression.XZ, sample("hello"));
        Files.delete(dir.resolve("hello.ko"));
        Path cut = dir.resolve("hello.ko.xz");
        Files.write(cut, Arrays.copyOf(z, z.length / 2));
        String reason = String.format("hello.ko.xz: xz data: truncated: the xz stream ends early, after all 0x%x bytes",
                z.length / 2);

        CliRun insmod = modload("", "insmod", cut.toString());
        assertEquals(1, insmod.status());
        // kmod 30's own line for this file (its userspace decompression fails with EINVAL,
        // which insmod's mod_strerror calls "Invalid parameters"); the reason with --debug
        assertEquals("insmod: ERROR: could not insert module " + cut + ": Invalid parameters\n", insmod.err());
        assertEquals("insmod: ERROR: could not insert module " + cut + ": Invalid parameters\n"
                + "insmod: EINVAL: " + reason + "\n", modload("", "--debug", "insmod", cut.toString()).err());

        CliRun modinfo = modload("", "modinfo", cut.toString());
        assertEquals(1, modinfo.status());
        assertEquals("", modinfo.out());
        assertEquals(reason + "\n", modinfo.err());

        CliRun elf = modload("", "elf", "--json", cut.toString());
        assertEquals(1, elf.status());
        assertEquals(reason + "\n", elf.err());

        CliRun tree = modload("", "load-tree", "--tree", dir.toString());
        assertEquals(1, tree.status());
        List<String> lines = tree.out().lines().toList();
        assertEquals("hello\tEINVAL\t" + reason, lines.get(0));
        assertEquals("loaded 3 of 4 modules", lines.get(lines.size() - 1));
    }
}
