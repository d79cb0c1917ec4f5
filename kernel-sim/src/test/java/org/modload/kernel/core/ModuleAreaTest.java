package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The module area allocator: first fit, placed ranges, coalescing, exact restoration, exhaustion. */
class ModuleAreaTest {
    private static final long BASE = 0xffffffffc0000000L;
    private static final long PAGE = 0x1000;

    @Test
    void firstFitReusesTheLowestHoleThatFits() {
        ModuleArea a = new ModuleArea(BASE, 0x100000, PAGE);
        long x = a.allocate(0x3000).getAsLong();
        long y = a.allocate(0x1000).getAsLong();
        long z = a.allocate(0x2000).getAsLong();
        assertEquals(List.of(BASE, BASE + 0x3000, BASE + 0x4000), List.of(x, y, z));
        a.free(x); // a 3-page hole at the bottom
        assertEquals(OptionalLong.of(BASE + 0x6000), a.allocate(0x4000)); // too big for the hole
        assertEquals(OptionalLong.of(BASE), a.allocate(0x1001)); // two pages fit the hole
        assertEquals(OptionalLong.of(BASE + 0x2000), a.allocate(1)); // and one more page
    }

    @Test
    void aPlacedRangeIsTakenOnlyWhereItIsFreeAndSplitsTheExtentItLiesIn() {
        ModuleArea a = new ModuleArea(BASE, 0x100000, PAGE);
        assertTrue(a.allocateAt(BASE + 0x3000, 0x2000));
        assertFalse(a.allocateAt(BASE + 0x4000, 0x1000), "overlaps the placed range");
        assertFalse(a.allocateAt(BASE + 0x2000, 0x2000), "runs into the placed range");
        assertFalse(a.allocateAt(BASE + 0x800, 0x1000), "not page-aligned");
        assertFalse(a.allocateAt(BASE + 0xff000, 0x2000), "runs past the area");
        assertEquals(OptionalLong.of(BASE), a.allocate(0x3000)); // the hole below it
        assertEquals(OptionalLong.of(BASE + 0x5000), a.allocate(0x1000)); // and above it
        a.free(BASE + 0x3000);
        assertEquals(0x4000, a.inUse());
        assertEquals(OptionalLong.of(BASE + 0x3000), a.allocate(0x2000));
    }

    @Test
    void freeingEverythingInAnyOrderRestoresOneWholeArea() {
        ModuleArea a = new ModuleArea(BASE, 0x400000, PAGE);
        SplittableRandom r = new SplittableRandom(7);
        List<Long> live = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            if (!live.isEmpty() && r.nextInt(3) == 0) {
                a.free(live.remove(r.nextInt(live.size())));
            } else {
                a.allocate(1 + r.nextInt(0x4000)).ifPresent(live::add);
            }
        }
        while (!live.isEmpty()) {
            a.free(live.remove(r.nextInt(live.size())));
        }
        assertEquals(0, a.inUse());
        assertEquals(0, a.ranges());
        assertEquals(OptionalLong.of(BASE), a.allocate(0x400000)); // all of it, in one piece again
        assertEquals(OptionalLong.empty(), a.allocate(1));
    }
}
