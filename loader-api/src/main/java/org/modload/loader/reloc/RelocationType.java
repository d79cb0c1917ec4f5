package org.modload.loader.reloc;

/**
 * One row of an architecture's psABI relocation table. Architectures implement this with an
 * enum whose constants keep the psABI spelling ({@code R_X86_64_PC32}) so that messages grep
 * against {@code readelf -r}.
 */
public interface RelocationType {
    /** The r_type number. */
    int number();

    /** The psABI name, e.g. {@code R_386_PC32}. */
    String name();

    /** The field the relocation writes. */
    Field field();

    /** How the computed value must fit the field. */
    Overflow overflow();

    /** The psABI's calculation, as written in the document (e.g. {@code S + A - P}); for messages and docs. */
    String formula();
}
