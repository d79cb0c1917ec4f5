package org.modload.loader.reloc;

/**
 * The quantities a psABI calculation is written in. The core gives each its value for one
 * relocation ({@link Operands}); {@link Formula} sums them.
 */
public enum Term {
    /** S: the value of the referenced symbol (for a section symbol, the section's address). */
    S,
    /** A: the addend. */
    A,
    /** P: the place, as the architecture defines it (ia64: the bundle, for instruction fields). */
    P,
    /** Z: the size of the referenced symbol. */
    Z,
    /** B: the base address the image was loaded at (the core region's start). */
    B,
    /** GOT: the address of the global offset table ({@code _GLOBAL_OFFSET_TABLE_}). */
    GOT,
    /** GP: the global pointer ({@code __gp}, ia64). */
    GP,
    /** G: the offset of the site's table entry from GOT. */
    G,
    /** L: the address of the site's table entry (a PLT entry or stub); S when it needs none. */
    L,
    /** E: the address of the site's table entry (GOT word, descriptor, PLT entry); S + A when it needs none. */
    E,
    /** SEC: the address of the section being patched (ia64's {@code @secrel}, as Linux reads it). */
    SEC,
    /** BD: the base of the region (core or init) that S + A lies in (ia64's BDREL, as Linux reads it). */
    BD
}
