package org.modload.arch.x86_64;

import java.nio.ByteBuffer;

import org.modload.loader.reloc.Bits;
import org.modload.loader.reloc.Field;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.spi.DirectWrite;

/**
 * KERNEL's {@link X86_64Architecture#write} for the engine's hot loop: a word whose place holds
 * zero and whose value fits is written; anything else (a nonzero place, an overflow, a field
 * outside the section) is declined, so that {@code write} refuses it with its located message.
 */
final class KernelDirectWrite implements DirectWrite {
    static final KernelDirectWrite INSTANCE = new KernelDirectWrite();

    private KernelDirectWrite() {
    }

    @Override
    public long implicitAddend(RelocationType row, ByteBuffer memory, int offset) {
        // Unreachable: checkObject refuses SHT_REL sections first.
        throw new IllegalStateException("x86_64 has no implicit addends");
    }

    @Override
    public boolean write(RelocationType row, ByteBuffer memory, long offset, long value) {
        Field f = row.field();
        int bits = f.bits();
        if (bits == 0) {
            return f == Field.NONE;
        }
        int bytes = f.bytes();
        if (offset < 0 || offset + bytes > memory.capacity() || !Bits.fits(value, bits, row.overflow())) {
            return false;
        }
        int i = (int) offset;
        switch (bytes) {
            case 4 -> {
                if (memory.getInt(i) != 0) {
                    return false;
                }
                memory.putInt(i, (int) value);
            }
            case 8 -> {
                if (memory.getLong(i) != 0) {
                    return false;
                }
                memory.putLong(i, value);
            }
            case 2 -> {
                if (memory.getShort(i) != 0) {
                    return false;
                }
                memory.putShort(i, (short) value);
            }
            case 1 -> {
                if (memory.get(i) != 0) {
                    return false;
                }
                memory.put(i, (byte) value);
            }
            default -> {
                return false;
            }
        }
        return true;
    }
}
