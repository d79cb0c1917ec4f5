package org.modload.kernel.compress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalLong;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.Checksum;

import org.modload.kernel.diag.CompressedDataException;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.lzo.LzoDecompressor;

/**
 * The two containers whose blocks a codec library decodes but whose framing no well-kept Java
 * library reads as the kernel build writes it: the lzop file format ({@code lzop -9}: its
 * LZO1X-999 blocks are plain LZO1X data, but aircompressor's lzop stream accepts only method
 * LZO1X-1) and LZ4's legacy frame ({@code lz4 -l}, which Commons Compress and aircompressor do
 * not read). Only the framing is read here, as Linux's {@code lib/decompress_unlzo.c} and
 * {@code lib/decompress_unlz4.c} read it; every block is decoded by aircompressor, and lzop's
 * Adler-32/CRC-32 block checksums are verified.
 */
final class BlockFormats {

    /** lzop: magic, then the header from the version field on (lzop's {@code p_header}). */
    private static final int LZOP_MAGIC_LENGTH = 9;
    private static final int LZOP_VERSION_WITH_LEVEL = 0x0940;
    private static final int F_ADLER32_D = 0x1;
    private static final int F_ADLER32_C = 0x2;
    private static final int F_H_EXTRA_FIELD = 0x40;
    private static final int F_CRC32_D = 0x100;
    private static final int F_CRC32_C = 0x200;
    private static final int F_H_FILTER = 0x800;
    /** lzop's {@code MAX_BLOCK_SIZE}: no block of an lzop file decompresses to more (64 MiB). */
    private static final int LZOP_MAX_BLOCK = 64 * 1024 * 1024;

    /** LZ4 legacy: {@code 0x184C2102} little-endian, each block at most 8 MiB decompressed. */
    private static final int LZ4_LEGACY_MAGIC = 0x184c2102;
    private static final int LZ4_LEGACY_BLOCK = 8 * 1024 * 1024;

    private BlockFormats() {
    }

    /** Decodes an lzop file: header, then blocks until the zero end marker. */
    static void lzop(String file, ByteBuffer data, Decompressor.Output out) {
        Reader r = new Reader(file, Compression.LZO, data.order(ByteOrder.BIG_ENDIAN));
        r.skip(LZOP_MAGIC_LENGTH, "magic");
        int version = r.u16("version");
        r.u16("lib_version");
        if (version >= LZOP_VERSION_WITH_LEVEL) {
            r.u16("version_needed_to_extract");
        }
        r.u8("method");
        if (version >= LZOP_VERSION_WITH_LEVEL) {
            r.u8("level");
        }
        int flags = r.s32("flags");
        if ((flags & F_H_FILTER) != 0) {
            r.s32("filter");
        }
        r.s32("mode");
        r.s32("mtime_low");
        if (version >= LZOP_VERSION_WITH_LEVEL) {
            r.s32("mtime_high");
        }
        r.skip(r.u8("name length"), "name");
        r.s32("header checksum");
        if ((flags & F_H_EXTRA_FIELD) != 0) {
            r.skip(r.s32("extra field length"), "extra field");
            r.s32("extra field checksum");
        }
        LzoDecompressor lzo = new LzoDecompressor();
        while (true) {
            int blockAt = r.position();
            int dstLen = r.s32("block's decompressed length");
            if (dstLen == 0) {
                return;
            }
            int srcLen = r.s32("block's compressed length");
            if (dstLen < 0 || dstLen > LZOP_MAX_BLOCK || srcLen < 0 || srcLen > dstLen) {
                throw r.corrupt(blockAt, String.format("block of 0x%x bytes compressed to 0x%x is not a valid lzop"
                        + " block (at most 0x%x bytes, never larger compressed)", dstLen, srcLen, LZOP_MAX_BLOCK));
            }
            Integer adlerD = (flags & F_ADLER32_D) != 0 ? r.s32("block's Adler-32") : null;
            Integer crcD = (flags & F_CRC32_D) != 0 ? r.s32("block's CRC-32") : null;
            if (srcLen < dstLen) {
                if ((flags & F_ADLER32_C) != 0) {
                    r.s32("compressed block's Adler-32");
                }
                if ((flags & F_CRC32_C) != 0) {
                    r.s32("compressed block's CRC-32");
                }
            }
            int dataAt = r.position();
            byte[] src = r.bytes(srcLen, "block data");
            out.reserve(dstLen);
            byte[] dst = out.array();
            int at = out.size();
            if (srcLen == dstLen) {
                // lzop stores a block that does not shrink as it is.
                System.arraycopy(src, 0, dst, at, srcLen);
            } else {
                int n;
                try {
                    n = lzo.decompress(src, 0, srcLen, dst, at, dstLen);
                } catch (MalformedInputException e) {
                    throw r.corrupt(dataAt, "LZO1X block does not decode: " + e.getMessage());
                }
                if (n != dstLen) {
                    throw r.corrupt(dataAt, String.format("LZO1X block decodes to 0x%x bytes, its header says 0x%x",
                            n, dstLen));
                }
            }
            check(r, blockAt, "Adler-32", adlerD, new Adler32(), dst, at, dstLen);
            check(r, blockAt, "CRC-32", crcD, new CRC32(), dst, at, dstLen);
            out.advance(dstLen);
        }
    }

    private static void check(Reader r, int blockAt, String name, Integer expected, Checksum sum, byte[] b, int at,
            int len) {
        if (expected == null) {
            return;
        }
        sum.update(b, at, len);
        int actual = (int) sum.getValue();
        if (actual != expected) {
            throw r.corrupt(blockAt, String.format("block's %s is %08x, its header says %08x", name, actual, expected));
        }
    }

    /**
     * Decodes an LZ4 legacy frame: the magic, then {@code u32le compressed size, block} pairs to
     * the end of the data; a repeated magic starts another frame, as {@code lz4 -l} writes
     * concatenated files.
     */
    static void lz4Legacy(String file, ByteBuffer data, Decompressor.Output out) {
        Reader r = new Reader(file, Compression.LZ4, data.order(ByteOrder.LITTLE_ENDIAN));
        r.s32("magic");
        Lz4Decompressor lz4 = new Lz4Decompressor();
        // Decoded into a scratch block first: only its decoded length says how much room the output needs.
        byte[] block = new byte[LZ4_LEGACY_BLOCK];
        while (r.remaining() > 0) {
            int blockAt = r.position();
            int size = r.s32("block's compressed length");
            if (size == LZ4_LEGACY_MAGIC) {
                continue;
            }
            if (size <= 0 || size > r.remaining()) {
                throw r.truncatedOrCorrupt(blockAt, size);
            }
            byte[] src = r.bytes(size, "block data");
            int n;
            try {
                n = lz4.decompress(src, 0, size, block, 0, block.length);
            } catch (MalformedInputException e) {
                throw r.corrupt(blockAt + 4, "LZ4 block does not decode to at most 0x"
                        + Integer.toHexString(LZ4_LEGACY_BLOCK) + " bytes: " + e.getMessage());
            }
            out.reserve(n);
            System.arraycopy(block, 0, out.array(), out.size(), n);
            out.advance(n);
        }
    }

    /** Reads the framing fields, each named for the message that says it is missing. */
    private static final class Reader {
        private final String file;
        private final Compression format;
        private final ByteBuffer b;

        Reader(String file, Compression format, ByteBuffer b) {
            this.file = file;
            this.format = format;
            this.b = b;
        }

        int position() {
            return b.position();
        }

        int remaining() {
            return b.remaining();
        }

        int u8(String field) {
            need(1, field);
            return b.get() & 0xff;
        }

        int u16(String field) {
            need(2, field);
            return b.getShort() & 0xffff;
        }

        int s32(String field) {
            need(4, field);
            return b.getInt();
        }

        void skip(int n, String field) {
            need(n, field);
            b.position(b.position() + n);
        }

        byte[] bytes(int n, String field) {
            need(n, field);
            byte[] a = new byte[n];
            b.get(a);
            return a;
        }

        private void need(int n, String field) {
            if (n < 0 || b.remaining() < n) {
                throw CompressedDataException.of(file, format.tool(), OptionalLong.of(b.position()), String.format(
                        "truncated: the stream ends at byte 0x%x, inside the %s", b.limit(), field), null);
            }
        }

        CompressedDataException corrupt(int at, String detail) {
            return CompressedDataException.of(file, format.tool(), OptionalLong.of(at),
                    "corrupt near byte 0x" + Integer.toHexString(at) + ": " + detail, null);
        }

        CompressedDataException truncatedOrCorrupt(int at, int size) {
            if (size > 0) {
                return CompressedDataException.of(file, format.tool(), OptionalLong.of(at), String.format(
                        "truncated: the block at byte 0x%x claims 0x%x bytes, only 0x%x follow", at, size, b.remaining()),
                        null);
            }
            return corrupt(at, "block length " + size);
        }
    }
}
