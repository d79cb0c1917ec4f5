package org.modload.loader.spi;

import org.modload.loader.elf.Section;

/**
 * What a relocation's symbol denotes in the link, known before layout: a place inside a loaded
 * section of one of the linked objects, a symbol imported from outside, a symbol the link itself
 * defines from its tables ({@code _GLOBAL_OFFSET_TABLE_}, {@code __gp}), or a fixed value. The
 * engine computes it once per symbol (resolving a reference to a symbol another object of the
 * link defines) so that table rules and entry identity agree.
 */
public sealed interface Referent {

    /** Whether the address lies inside the image being linked. */
    default boolean internal() {
        return this instanceof Internal;
    }

    /**
     * A symbol defined in a loaded section of the link.
     *
     * @param object the defining object's index in the link
     * @param section the defining section
     * @param value st_value (the offset inside the section)
     */
    record Internal(int object, Section section, long value) implements Referent {
    }

    /** A symbol no object of the link defines, resolved from outside (a kernel, libc). */
    record Imported(String name) implements Referent {
    }

    /** A symbol the link defines from its tables (the architecture's {@code linkSymbols}). */
    record LinkSymbol(String name) implements Referent {
    }

    /**
     * A value that does not move with the image: SHN_ABS symbols, and symbols of sections that
     * are not loaded (address 0, as in Linux).
     */
    record Absolute(long value) implements Referent {
    }
}
