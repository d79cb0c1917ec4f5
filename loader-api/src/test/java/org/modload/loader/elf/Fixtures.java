package org.modload.loader.elf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Loads committed fixtures and patches fields in copies of them. */
final class Fixtures {
    private Fixtures() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A little-endian patcher over a copy of a fixture. */
    static final class Patch {
        final byte[] b;
        private final ByteBuffer buf;

        Patch(String fixture) {
            this.b = bytes(fixture);
            this.buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        }

        Patch u8(int at, int v) {
            buf.put(at, (byte) v);
            return this;
        }

        Patch u16(int at, int v) {
            buf.putShort(at, (short) v);
            return this;
        }

        Patch u32(int at, long v) {
            buf.putInt(at, (int) v);
            return this;
        }

        Patch u64(int at, long v) {
            buf.putLong(at, v);
            return this;
        }

        /**
         * Drops the section header table as {@code objcopy --strip-section-headers} (binutils
         * 2.41+) would for the reader: e_shoff, e_shnum and e_shstrndx become 0, the bytes stay.
         */
        Patch withoutSectionHeaders() {
            if (b[4] == 2) {
                return u64(0x28, 0).u16(0x3c, 0).u16(0x3e, 0);
            }
            return u32(0x20, 0).u16(0x30, 0).u16(0x32, 0);
        }

        byte[] truncated(int length) {
            byte[] t = new byte[length];
            System.arraycopy(b, 0, t, 0, length);
            return t;
        }
    }
}
