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

    /**
     * The calculation the core evaluates for this type (e.g. {@link Formula#S_A_P}), or
     * {@link Formula#SPECIAL} for what the architecture computes itself.
     */
    Formula formula();
}
