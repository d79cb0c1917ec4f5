package org.modload.loader.elf;

/** p_flags bits (constants only). */
public final class SegmentFlags {
    public static final int PF_X = 0x1;
    public static final int PF_W = 0x2;
    public static final int PF_R = 0x4;

    private SegmentFlags() {
    }
}
