package org.modload.loader.elf;

/** EI_CLASS: the file's word size, with the structure sizes that follow from it. */
public enum ElfClass {
    ELFCLASS32(1, 52, 40, 16, 8, 12),
    ELFCLASS64(2, 64, 64, 24, 16, 24);

    private final int value;
    private final int headerSize;
    private final int sectionHeaderSize;
    private final int symbolSize;
    private final int relSize;
    private final int relaSize;

    ElfClass(int value, int headerSize, int sectionHeaderSize, int symbolSize, int relSize, int relaSize) {
        this.value = value;
        this.headerSize = headerSize;
        this.sectionHeaderSize = sectionHeaderSize;
        this.symbolSize = symbolSize;
        this.relSize = relSize;
        this.relaSize = relaSize;
    }

    /** The EI_CLASS byte. */
    public int value() {
        return value;
    }

    /** sizeof(ElfN_Ehdr). */
    public int headerSize() {
        return headerSize;
    }

    /** sizeof(ElfN_Shdr). */
    public int sectionHeaderSize() {
        return sectionHeaderSize;
    }

    /** sizeof(ElfN_Sym). */
    public int symbolSize() {
        return symbolSize;
    }

    /** sizeof(ElfN_Rel). */
    public int relSize() {
        return relSize;
    }

    /** sizeof(ElfN_Rela). */
    public int relaSize() {
        return relaSize;
    }

    /** The class whose EI_CLASS byte is {@code value}, or null. */
    static ElfClass ofValue(int value) {
        for (ElfClass c : values()) {
            if (c.value == value) {
                return c;
            }
        }
        return null;
    }
}
