package org.modload.loader.elf;

/** Reserved section header indexes (constants only). */
public final class SectionIndex {
    public static final int SHN_UNDEF = 0;
    public static final int SHN_LORESERVE = 0xff00;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;
    public static final int SHN_XINDEX = 0xffff;

    private SectionIndex() {
    }
}
