package org.modload.kernel.compress;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.Set;

/**
 * The compressions a Linux kernel build uses, each known by the magic its stream starts with
 * (Linux {@code lib/decompress.c}'s table, which is how the kernel's own boot code and kmod
 * recognize them): kernel payloads may use any of the seven ({@code CONFIG_KERNEL_GZIP} ...
 * {@code CONFIG_KERNEL_ZSTD}); modules only {@link #forModules() gzip, xz and zstd}
 * ({@code CONFIG_MODULE_COMPRESS_*}, the ones kmod and the kernel's {@code module_decompress}
 * read).
 */
public enum Compression {
    /** gzip (RFC 1952), {@code CONFIG_KERNEL_GZIP}, {@code .ko.gz}. */
    GZIP("gzip", "CONFIG_KERNEL_GZIP", 0x1f, 0x8b),
    /** bzip2, {@code CONFIG_KERNEL_BZIP2}. */
    BZIP2("bzip2", "CONFIG_KERNEL_BZIP2", 'B', 'Z', 'h'),
    /**
     * The legacy {@code .lzma} format of LZMA Utils ({@code lzma -9}), {@code CONFIG_KERNEL_LZMA}:
     * a properties byte (0x5d for the default lc=3, lp=0, pb=2), then the dictionary size, whose
     * low byte is 0 for every power-of-two size the tool uses.
     */
    LZMA("lzma", "CONFIG_KERNEL_LZMA", 0x5d, 0x00),
    /** xz, {@code CONFIG_KERNEL_XZ}, {@code .ko.xz}. */
    XZ("xz", "CONFIG_KERNEL_XZ", 0xfd, '7', 'z', 'X', 'Z', 0x00),
    /** The lzop file format ({@code lzop -9}), {@code CONFIG_KERNEL_LZO}. */
    LZO("lzop", "CONFIG_KERNEL_LZO", 0x89, 'L', 'Z', 'O', 0x00, '\r', '\n', 0x1a, '\n'),
    /** LZ4's legacy frame format ({@code lz4 -l}), {@code CONFIG_KERNEL_LZ4}. */
    LZ4("lz4", "CONFIG_KERNEL_LZ4", 0x02, 0x21, 0x4c, 0x18),
    /** Zstandard, {@code CONFIG_KERNEL_ZSTD}, {@code .ko.zst}. */
    ZSTD("zstd", "CONFIG_KERNEL_ZSTD", 0x28, 0xb5, 0x2f, 0xfd);

    private static final Set<Compression> MODULES = Set.of(GZIP, XZ, ZSTD);

    private final String tool;
    private final String kernelConfig;
    private final byte[] magic;

    Compression(String tool, String kernelConfig, int... magic) {
        this.tool = tool;
        this.kernelConfig = kernelConfig;
        this.magic = new byte[magic.length];
        for (int i = 0; i < magic.length; i++) {
            this.magic[i] = (byte) magic[i];
        }
    }

    /** The command that makes and reads this format, as messages name it: {@code xz}, {@code lzop}, {@code zstd}... */
    public String tool() {
        return tool;
    }

    /** The kernel configuration option that compresses the kernel image with it, e.g. {@code CONFIG_KERNEL_ZSTD}. */
    public String kernelConfig() {
        return kernelConfig;
    }

    /** How many bytes {@link #of} compares. */
    public int magicLength() {
        return magic.length;
    }

    /** The compressions a module file may use: gzip, xz and zstd, as kmod and the kernel read them. */
    public static Set<Compression> forModules() {
        return MODULES;
    }

    /** Whether the bytes at {@code at} (an absolute index of {@code data}) start this format's stream. */
    public boolean startsAt(ByteBuffer data, int at) {
        if (at < 0 || data.limit() - at < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (data.get(at + i) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The compression whose magic the bytes from {@code data}'s position start with. An ELF file
     * ({@code 7f 45 4c 46}) matches none.
     *
     * @param data read from its position; neither it nor its position is changed
     */
    public static Optional<Compression> of(ByteBuffer data) {
        for (Compression c : values()) {
            if (c.startsAt(data, data.position())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
