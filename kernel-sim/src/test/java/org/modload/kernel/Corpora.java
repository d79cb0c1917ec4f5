package org.modload.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.modload.kernel.compress.Compressors;
import org.modload.loader.testing.ExternalTools;

/**
 * The Debian corpus flavours as the corpus tests read them ({@code .ci/fetch-debian-kernel.sh}):
 * Debian 12's {@code amd64} and {@code 686} keep plain {@code .ko} files under
 * {@code root/lib/modules}, Debian 13's {@code trixie-amd64} {@code .ko.xz} files under
 * {@code root/usr/lib/modules} (merged /usr). Found here by the tests' own walk, not by the code
 * under test; oracles that cannot read compressed files get copies decompressed by the
 * distribution's {@code xz}.
 */
public final class Corpora {
    /** Every flavour the corpus profile runs. */
    public static final List<String> FLAVOURS = List.of("amd64", "686", "trixie-amd64");
    private static final List<String> SUFFIXES = List.of(".ko", ".ko.xz", ".ko.zst", ".ko.gz");

    private Corpora() {
    }

    /** The module directory {@code root/(usr/)lib/modules/VERSION} of a flavour (as {@link ExternalTools#corpus} gives it). */
    public static Path moduleDirectory(Path corpus) {
        for (String lib : List.of("root/lib/modules", "root/usr/lib/modules")) {
            Path modules = corpus.resolve(lib);
            if (Files.isDirectory(modules)) {
                try (Stream<Path> versions = Files.list(modules)) {
                    List<Path> found = versions.filter(v -> Files.isDirectory(v.resolve("kernel"))).sorted().toList();
                    Assertions.assertEquals(1, found.size(), "kernel versions under " + modules + ": " + found);
                    return found.get(0);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new AssertionError("no lib/modules or usr/lib/modules under " + corpus.resolve("root"));
    }

    /** The release, {@code 6.12.118+deb13-amd64}. */
    public static String version(Path corpus) {
        return moduleDirectory(corpus).getFileName().toString();
    }

    /** Every module file under the module directory's {@code kernel/}, compressed or not, sorted by path. */
    public static List<Path> modules(Path corpus) {
        try (Stream<Path> files = Files.walk(moduleDirectory(corpus).resolve("kernel"), FileVisitOption.FOLLOW_LINKS)) {
            return files.filter(f -> SUFFIXES.stream().anyMatch(f.getFileName().toString()::endsWith))
                    .filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every k-th of {@code all} so that at least {@code count} remain (all when fewer). */
    public static List<Path> sample(List<Path> all, int count) {
        int k = Math.max(1, all.size() / count);
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += k) {
            out.add(all.get(i));
        }
        return out;
    }

    /** The flavour's {@code boot/vmlinuz-*}. */
    public static Path vmlinuz(Path corpus) {
        return only(corpus.resolve("root/boot"), "vmlinuz-");
    }

    /** The flavour's {@code Module.symvers} (headers package). */
    public static Path symvers(Path corpus) {
        try (Stream<Path> s = Files.walk(corpus.resolve("root/usr/src"))) {
            return s.filter(p -> p.getFileName().toString().equals("Module.symvers")).findFirst()
                    .orElseThrow(() -> new AssertionError("no Module.symvers under " + corpus.resolve("root/usr/src")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path only(Path dir, String prefix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + prefix + "* under " + dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code module} as a plain ELF file: itself when uncompressed, else a copy in {@code scratch}
     * decompressed by the distribution's tool ({@code xz -dc}, {@code zstd -dc}, {@code gzip -dc}),
     * named without the compression suffix.
     */
    public static Path plain(Path module, Path scratch) {
        String name = module.getFileName().toString();
        String tool = name.endsWith(".ko.xz") ? "xz" : name.endsWith(".ko.zst") ? "zstd" : name.endsWith(".ko.gz")
                ? "gzip" : null;
        if (tool == null) {
            return module;
        }
        try {
            Files.createDirectories(scratch);
            Path out = scratch.resolve(name.substring(0, name.lastIndexOf('.')));
            ExternalTools.require(tool, tool.equals("xz") ? "xz-utils" : tool);
            Files.write(out, Compressors.run(List.of(tool, "-dc", module.toString()), new byte[0]));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The vmlinux inside a {@code vmlinuz}, decompressed by the distribution's tool for the
     * payload's compression ({@code xz} for Debian 12, {@code zstd} for Debian 13): the setup
     * header is read here (payload at {@code (setup_sects + 1) * 512 + payload_offset}, its
     * {@code payload_length} including the 4-byte size trailer), independently of the code under test.
     */
    public static byte[] vmlinux(Path vmlinuz) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(vmlinuz)).order(ByteOrder.LITTLE_ENDIAN);
            int start = ((b.get(0x1f1) & 0xff) + 1) * 512 + b.getInt(0x248);
            int length = b.getInt(0x24c);
            byte[] stream = new byte[length - 4];
            b.get(start, stream);
            boolean zstd = (stream[0] & 0xff) == 0x28 && (stream[1] & 0xff) == 0xb5;
            boolean xz = (stream[0] & 0xff) == 0xfd && stream[1] == '7';
            Assertions.assertTrue(zstd || xz, vmlinuz + ": neither a zstd nor an xz payload");
            ExternalTools.require(zstd ? "zstd" : "xz", zstd ? "zstd" : "xz-utils");
            byte[] out = Compressors.run(List.of(zstd ? "zstd" : "xz", "-dc"), stream);
            Assertions.assertEquals(Integer.toUnsignedLong(b.getInt(start + length - 4)), out.length,
                    vmlinuz + ": the size trailer");
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
