package org.modload.loader.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;
import org.modload.loader.diag.ElfCheck;
import org.modload.loader.diag.MalformedElfException;

/** Counts the file could hold but no object needs are refused, located, before anything is allocated for them. */
class ElfLimitsTest {

    /** An ELF64 relocatable header whose section table at 0x40 has {@code count} entries (extended numbering). */
    private static ByteBuffer withSections(long count) {
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(0x40 + count * 0x40)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 0x7f).put(1, (byte) 'E').put(2, (byte) 'L').put(3, (byte) 'F');
        b.put(4, (byte) 2).put(5, (byte) 1).put(6, (byte) 1);
        b.putShort(16, (short) 1).putShort(18, (short) 62).putInt(20, 1);
        b.putLong(40, 0x40).putShort(52, (short) 0x40).putShort(58, (short) 0x40).putShort(60, (short) 0);
        b.putLong(0x40 + 32, count); // section 0's sh_size: the count when e_shnum is 0
        return b;
    }

    @Test
    void moreSectionsThanTheLimitAreRefusedBeforeTheirHeadersAreRead() {
        long count = (1L << 18) + 1;
        MalformedElfException e = assertThrows(MalformedElfException.class, () -> ElfFile.parse("x.o", withSections(count)));
        assertEquals(ElfCheck.LIMIT, e.check());
        assertEquals("x.o: e_shnum 262145 sections exceed this reader's limit of 262144", e.getMessage());
    }

    @Test
    void aCountBeyondTheFileIsABoundsErrorFirst() {
        ByteBuffer b = withSections(4);
        b.putLong(0x40 + 32, 1L << 40);
        MalformedElfException e = assertThrows(MalformedElfException.class, () -> ElfFile.parse("x.o", b));
        assertEquals(ElfCheck.SECTION_TABLE_BOUNDS, e.check());
    }
}
