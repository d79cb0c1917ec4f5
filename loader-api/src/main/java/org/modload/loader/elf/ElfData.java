package org.modload.loader.elf;

import java.nio.ByteOrder;

/** EI_DATA: the file's byte order. */
public enum ElfData {
    ELFDATA2LSB(1, ByteOrder.LITTLE_ENDIAN),
    ELFDATA2MSB(2, ByteOrder.BIG_ENDIAN);

    private final int value;
    private final ByteOrder order;

    ElfData(int value, ByteOrder order) {
        this.value = value;
        this.order = order;
    }

    /** The EI_DATA byte. */
    public int value() {
        return value;
    }

    /** The matching NIO byte order. */
    public ByteOrder order() {
        return order;
    }

    static ElfData ofValue(int value) {
        for (ElfData d : values()) {
            if (d.value == value) {
                return d;
            }
        }
        return null;
    }
}
