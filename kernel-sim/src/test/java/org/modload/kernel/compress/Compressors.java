package org.modload.kernel.compress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.modload.loader.testing.ExternalTools;

/**
 * The distribution's own compressors, run at test time with the options a kernel build gives
 * them (Linux 6.12 {@code scripts/Makefile.lib} for the kernel image, {@code scripts/xz_wrap.sh}
 * for x86's xz, {@code scripts/Makefile.modinst} for modules): the oracle every decompression
 * test reads back. A missing tool fails under {@code MODLOAD_REQUIRE_TOOLS=1} and skips elsewhere,
 * naming its Debian package.
 */
public final class Compressors {
    private Compressors() {
    }

    /** The Debian package that ships a format's tool. */
    public static String debianPackage(Compression c) {
        return switch (c) {
            case GZIP -> "gzip";
            case BZIP2 -> "bzip2";
            case LZMA, XZ -> "xz-utils";
            case LZO -> "lzop";
            case LZ4 -> "lz4";
            case ZSTD -> "zstd";
        };
    }

    /** The command a kernel build compresses {@code vmlinux.bin} with, reading standard input. */
    public static List<String> kernelCommand(Compression c) {
        return switch (c) {
            case GZIP -> List.of("gzip", "-n", "-f", "-9");
            case BZIP2 -> List.of("bzip2", "-9");
            case LZMA -> List.of("lzma", "-9");
            case XZ -> List.of("xz", "--check=crc32", "--x86", "--lzma2=dict=32MiB");
            case LZO -> List.of("lzop", "-9");
            case LZ4 -> List.of("lz4", "-l", "-12", "--favor-decSpeed");
            case ZSTD -> List.of("zstd", "-22", "--ultra", "-q");
        };
    }

    /** The command {@code make modules_install} compresses a module with ({@code CONFIG_MODULE_COMPRESS_*}). */
    public static List<String> moduleCommand(Compression c) {
        return switch (c) {
            case GZIP -> List.of("gzip", "-n", "-f");
            case XZ -> List.of("xz", "--check=crc32", "--lzma2=dict=1MiB");
            case ZSTD -> List.of("zstd", "-T0", "-q");
            default -> throw new IllegalArgumentException(c + " is no module compression");
        };
    }

    /** The file name ending a compressed module gets: {@code .gz}, {@code .xz}, {@code .zst}. */
    public static String moduleSuffix(Compression c) {
        return switch (c) {
            case GZIP -> ".gz";
            case XZ -> ".xz";
            case ZSTD -> ".zst";
            default -> throw new IllegalArgumentException(c + " is no module compression");
        };
    }

    /** A kernel payload as the build makes it: {@code input} compressed, then the 4-byte little-endian size ({@code size_append}). */
    public static byte[] kernelPayload(Compression c, byte[] input) {
        byte[] z = compress(kernelCommand(c), c, input);
        return ByteBuffer.allocate(z.length + 4).order(ByteOrder.LITTLE_ENDIAN).put(z).putInt(input.length).array();
    }

    /** {@code input} compressed as a module is. */
    public static byte[] module(Compression c, byte[] input) {
        return compress(moduleCommand(c), c, input);
    }

    /** Runs {@code command} with {@code input} on standard input; returns its standard output. */
    public static byte[] compress(List<String> command, Compression c, byte[] input) {
        ExternalTools.require(command.get(0), debianPackage(c));
        return run(command, input);
    }

    /**
     * Whether the installed kmod reads modules compressed this way: kmod prints its features
     * ({@code +ZSTD +XZ -ZLIB ...}) with {@code --version}, and one built without zlib takes no
     * {@code .ko.gz} (Debian 12's kmod 30 is such a build).
     */
    public static boolean kmodReads(Compression c) {
        String feature = switch (c) {
            case GZIP -> "+ZLIB";
            case XZ -> "+XZ";
            case ZSTD -> "+ZSTD";
            default -> throw new IllegalArgumentException(c + " is no module compression");
        };
        String version = ExternalTools.run(List.of(
                org.modload.kernel.modinfo.ModinfoFixtures.modinfo().toString(), "--version"));
        return List.of(version.split("\\s+")).contains(feature);
    }

    /** Runs a filter (a compressor or decompressor) on {@code input}; fails the test on a non-zero exit. */
    public static byte[] run(List<String> command, byte[] input) {
        try {
            Path in = Files.createTempFile("modload-compress", ".in");
            Path out = Files.createTempFile("modload-compress", ".out");
            Path err = Files.createTempFile("modload-compress", ".err");
            try {
                Files.write(in, input);
                Process p = new ProcessBuilder(new ArrayList<>(command)).redirectInput(in.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    Assertions.fail("timed out: " + command);
                }
                if (p.exitValue() != 0) {
                    Assertions.fail(command + " exited " + p.exitValue() + ": " + Files.readString(err));
                }
                return Files.readAllBytes(out);
            } finally {
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }
}
