package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/**
 * The per-cpu allocator of modules' static per-cpu data: first fit at the asked alignment (at
 * least 4, sizes in 4-byte units, as Linux's PCPU_MIN_ALLOC_SIZE), holes left by alignment reused,
 * placed ranges, exhaustion of the 8 KiB module reserve.
 */
class PercpuAllocatorTest {
    private static final long BASE = 0x35000;

    @Test
    void firstFitHonoursAlignmentAndFillsTheHolesItLeaves() {
        PercpuAllocator a = new PercpuAllocator(BASE, 8192);
        assertEquals(OptionalLong.of(BASE), a.allocate(0x18, 8)); // kvm's three longs
        assertEquals(OptionalLong.of(BASE + 0x40), a.allocate(0x24, 64)); // aligned past the hole
        assertEquals(OptionalLong.of(BASE + 0x18), a.allocate(1, 1)); // rounded to 4, into the hole
        assertEquals(OptionalLong.of(BASE + 0x1c), a.allocate(4, 2)); // alignment at least 4
        a.free(BASE);
        assertEquals(OptionalLong.of(BASE), a.allocate(0x10, 16));
    }

    @Test
    void theReserveRunsOutAndAPlacedRangeMustBeFree() {
        PercpuAllocator a = new PercpuAllocator(BASE, 8192);
        assertEquals(OptionalLong.of(BASE), a.allocate(8000, 64));
        assertEquals(OptionalLong.empty(), a.allocate(256, 4), "192 bytes are left");
        assertEquals(OptionalLong.of(BASE + 8000), a.allocate(192, 4));
        assertFalse(a.allocateAt(BASE + 0x100, 4));
        a.free(BASE);
        assertTrue(a.allocateAt(BASE + 0x100, 4));
        assertEquals(OptionalLong.of(BASE), a.allocate(0x100, 4));
        assertEquals(OptionalLong.of(BASE + 0x104), a.allocate(4, 4));
    }
}
