package org.modload.loader.link;

import java.nio.ByteBuffer;

import org.modload.loader.reloc.Field;
import org.modload.loader.spi.Applied;
import org.modload.loader.spi.RelocationSite;

/**
 * What a {@link RelocationListener} is shown of one write: a copy of the bytes around the place
 * taken before it ({@link #before}) and, after it, the smallest range that holds the field and
 * every changed byte ({@link #applied}). Architectures write near the place (an instruction's
 * opcode before its field, an ia64 bundle of 16 bytes that holds the slot), so a window of
 * {@link #REACH} bytes on either side is enough. One instance per traced relocation.
 */
final class ChangedBytes {
    /** How far from the place the window reaches on each side. */
    static final int REACH = 16;

    private final RelocationSite site;
    private final int from;
    private final byte[] before;

    private ChangedBytes(RelocationSite site, int from, byte[] before) {
        this.site = site;
        this.from = from;
        this.before = before;
    }

    /** A copy of the window around the place of {@code site}, before it is written. */
    static ChangedBytes before(RelocationSite site) {
        ByteBuffer m = site.memory();
        long off = site.offset();
        int from = (int) Math.max(0, Math.min(m.capacity(), off - REACH));
        int to = (int) Math.max(from, Math.min(m.capacity(), off + 8 + REACH));
        byte[] b = new byte[to - from];
        m.get(from, b);
        return new ChangedBytes(site, from, b);
    }

    /** The relocation as applied, with the bytes the write changed and the field itself. */
    AppliedRelocation applied(Applied applied) {
        ByteBuffer m = site.memory();
        byte[] after = new byte[before.length];
        m.get(from, after);
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int i = 0; i < after.length; i++) {
            if (after[i] != before[i]) {
                lo = Math.min(lo, i);
                hi = Math.max(hi, i + 1);
            }
        }
        Field f = applied.row().field();
        long fieldAt = site.offset() + (applied.need() instanceof org.modload.loader.spi.Need.Relaxed r
                ? r.placeDelta() : 0) - from;
        int width = f.bytes();
        if (width > 0 && fieldAt >= 0 && fieldAt + width <= after.length) {
            lo = Math.min(lo, (int) fieldAt);
            hi = Math.max(hi, (int) fieldAt + width);
        }
        if (lo > hi) {
            // Nothing changed and no data word: show the place itself, empty.
            lo = (int) Math.max(0, Math.min(after.length, site.offset() - from));
            hi = lo;
        }
        ByteBuffer b = ByteBuffer.wrap(before, lo, hi - lo).slice();
        ByteBuffer a = ByteBuffer.wrap(after, lo, hi - lo).slice();
        RelocationSite view = new RelocationSite(site.file(), site.object(), site.target(), site.entry(), site.type(),
                site.symbol(), site.referent(), site.place(), m.asReadOnlyBuffer().order(m.order()));
        return new AppliedRelocation(view, applied, from + lo, b, a);
    }
}
