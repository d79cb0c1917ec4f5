package org.modload.arch.i386;

import java.util.Optional;

import org.modload.loader.reloc.Field;
import org.modload.loader.reloc.Formula;
import org.modload.loader.reloc.Overflow;
import org.modload.loader.reloc.RelocationTable;
import org.modload.loader.reloc.RelocationType;

/**
 * The i386 psABI relocation table (System V i386 ABI and its TLS/GOT32X additions), one
 * constant per type, with the calculation the core evaluates (G is the entry's offset from GOT,
 * the psABI's "G + A - GOT" with G its address; the base-register-less form of GOT32X is the
 * architecture's write) and where the type is applied. Arithmetic is modulo 2^32 on this architecture, so the 32-bit types wrap
 * (Overflow NONE) as ld's do; the narrow types are checked as lld checks them.
 * Numbers 12 and 13 are unassigned.
 */
enum I386Relocation implements RelocationType {
    R_386_NONE(0, Field.NONE, Overflow.NONE, Formula.NONE, Use.PERMISSIVE),
    R_386_32(1, Field.WORD32, Overflow.NONE, Formula.S_A, Use.KERNEL),
    R_386_PC32(2, Field.WORD32, Overflow.NONE, Formula.S_A_P, Use.KERNEL),
    R_386_GOT32(3, Field.WORD32, Overflow.NONE, Formula.G_A, Use.PERMISSIVE),
    R_386_PLT32(4, Field.WORD32, Overflow.NONE, Formula.L_A_P, Use.KERNEL),
    R_386_COPY(5, Field.NONE, Overflow.NONE, Formula.NONE, Use.DYNAMIC),
    R_386_GLOB_DAT(6, Field.WORD32, Overflow.NONE, Formula.S, Use.DYNAMIC),
    R_386_JUMP_SLOT(7, Field.WORD32, Overflow.NONE, Formula.S, Use.DYNAMIC),
    R_386_RELATIVE(8, Field.WORD32, Overflow.NONE, Formula.B_A, Use.DYNAMIC),
    R_386_GOTOFF(9, Field.WORD32, Overflow.NONE, Formula.S_A_GOT, Use.PERMISSIVE),
    R_386_GOTPC(10, Field.WORD32, Overflow.NONE, Formula.GOT_A_P, Use.PERMISSIVE),
    R_386_32PLT(11, Field.WORD32, Overflow.NONE, Formula.L_A, Use.PERMISSIVE),
    R_386_TLS_TPOFF(14, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_IE(15, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_GOTIE(16, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_LE(17, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_GD(18, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_LDM(19, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_16(20, Field.WORD16, Overflow.EITHER, Formula.S_A, Use.PERMISSIVE),
    R_386_PC16(21, Field.WORD16, Overflow.SIGNED, Formula.S_A_P, Use.PERMISSIVE),
    R_386_8(22, Field.WORD8, Overflow.EITHER, Formula.S_A, Use.PERMISSIVE),
    R_386_PC8(23, Field.WORD8, Overflow.SIGNED, Formula.S_A_P, Use.PERMISSIVE),
    R_386_TLS_GD_32(24, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_GD_PUSH(25, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_GD_CALL(26, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_GD_POP(27, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_LDM_32(28, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_LDM_PUSH(29, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_LDM_CALL(30, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_LDM_POP(31, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_LDO_32(32, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_IE_32(33, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_LE_32(34, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_DTPMOD32(35, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_DTPOFF32(36, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_TPOFF32(37, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_SIZE32(38, Field.WORD32, Overflow.NONE, Formula.Z_A, Use.PERMISSIVE),
    R_386_TLS_GOTDESC(39, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_DESC_CALL(40, Field.NONE, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_TLS_DESC(41, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_386_IRELATIVE(42, Field.WORD32, Overflow.NONE, Formula.SPECIAL, Use.DYNAMIC),
    R_386_GOT32X(43, Field.WORD32, Overflow.NONE, Formula.G_A, Use.PERMISSIVE);

    private final int number;
    private final Field field;
    private final Overflow overflow;
    private final Formula formula;
    private final Use use;

    /** Where a type is applied. */
    enum Use {
        /** By Linux's module loader, hence in both profiles. */
        KERNEL,
        /** Only in ordinary objects (PERMISSIVE). */
        PERMISSIVE,
        /** Never: a dynamic relocation, which only linked output carries. */
        DYNAMIC,
        /** Never: thread-local storage needs a TLS runtime, which a fixed-address image does not have. */
        TLS
    }

    I386Relocation(int number, Field field, Overflow overflow, Formula formula, Use use) {
        this.number = number;
        this.field = field;
        this.overflow = overflow;
        this.formula = formula;
        this.use = use;
    }

    /** Where the type is applied. */
    Use use() {
        return use;
    }

    @Override
    public int number() {
        return number;
    }

    @Override
    public Field field() {
        return field;
    }

    @Override
    public Overflow overflow() {
        return overflow;
    }

    @Override
    public Formula formula() {
        return formula;
    }

    static Optional<I386Relocation> of(int number) {
        return Table.BY_NUMBER.find(number);
    }

    /** The row numbered {@code number} for the SPI, allocation-free. */
    static Optional<RelocationType> row(int number) {
        return Table.BY_NUMBER.row(number);
    }

    /** Holder: an enum's static fields are initialized after its constants. */
    private static final class Table {
        static final RelocationTable<I386Relocation> BY_NUMBER = RelocationTable.of(values());
    }
}
