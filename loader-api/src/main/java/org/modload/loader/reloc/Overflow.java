package org.modload.loader.reloc;

/** How a computed value must fit its field (lld's checkInt / checkUInt / checkIntUInt). */
public enum Overflow {
    /** Any value; the low bits are kept (64-bit words, truncating types). */
    NONE,
    /** The value, read as signed, must fit the field as a signed number. */
    SIGNED,
    /** The value, read as unsigned, must fit the field as an unsigned number. */
    UNSIGNED,
    /** Either reading fits (the "bitfield" rule of i386's R_386_32). */
    EITHER
}
