package org.modload.arch.i386;

import java.nio.ByteBuffer;

import org.modload.loader.reloc.Bits;
import org.modload.loader.reloc.Field;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.spi.DirectWrite;

/**
 * KERNEL's {@link I386Architecture#implicitAddend} and {@link I386Architecture#write} for the
 * engine's hot loop: a data word whose value fits is written; an overflow, a field outside the
 * section or a GOT row is declined, so that {@code write} handles it as always.
 */
final class KernelDirectWrite implements DirectWrite {
    static final KernelDirectWrite INSTANCE = new KernelDirectWrite();

    private KernelDirectWrite() {
    }

    @Override
    public long implicitAddend(RelocationType row, ByteBuffer memory, int offset) {
        return switch (row.field()) {
            case WORD32 -> memory.getInt(offset);
            case WORD16 -> memory.getShort(offset);
            case WORD8 -> memory.get(offset);
            default -> 0;
        };
    }

    @Override
    public boolean write(RelocationType row, ByteBuffer memory, long offset, long value) {
        if (row == I386Relocation.R_386_GOT32 || row == I386Relocation.R_386_GOT32X) {
            return false;
        }
        Field f = row.field();
        if (f == Field.NONE) {
            return true;
        }
        int bytes = f.bytes();
        if (f == Field.INSTRUCTION || offset < 0 || offset + bytes > memory.capacity()
                || !Bits.fits(value, f.bits(), row.overflow())) {
            return false;
        }
        int i = (int) offset;
        switch (bytes) {
            case 4 -> memory.putInt(i, (int) value);
            case 2 -> memory.putShort(i, (short) value);
            case 1 -> memory.put(i, (byte) value);
            case 8 -> memory.putLong(i, value);
            default -> {
                return false;
            }
        }
        return true;
    }
}
