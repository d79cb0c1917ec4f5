package org.modload.arch.x86_64;

import java.util.Optional;

import org.modload.loader.reloc.Field;
import org.modload.loader.reloc.Formula;
import org.modload.loader.reloc.Overflow;
import org.modload.loader.reloc.RelocationTable;
import org.modload.loader.reloc.RelocationType;

/**
 * The AMD64 psABI relocation table (System V AMD64 ABI, table "Relocation Types"), one constant
 * per type: number, field, overflow rule (as lld checks it), the calculation the core evaluates
 * (the document's; {@code SPECIAL} where it gives prose or nothing) and where the type is applied.
 * Types 39 and 40 are reserved (formerly the BND variants) and absent.
 */
enum X86_64Relocation implements RelocationType {
    R_X86_64_NONE(0, Field.NONE, Overflow.NONE, Formula.NONE, Use.KERNEL),
    R_X86_64_64(1, Field.WORD64, Overflow.NONE, Formula.S_A, Use.KERNEL),
    R_X86_64_PC32(2, Field.WORD32, Overflow.SIGNED, Formula.S_A_P, Use.KERNEL),
    R_X86_64_GOT32(3, Field.WORD32, Overflow.SIGNED, Formula.G_A, Use.PERMISSIVE),
    R_X86_64_PLT32(4, Field.WORD32, Overflow.SIGNED, Formula.L_A_P, Use.KERNEL),
    R_X86_64_COPY(5, Field.NONE, Overflow.NONE, Formula.NONE, Use.DYNAMIC),
    R_X86_64_GLOB_DAT(6, Field.WORD64, Overflow.NONE, Formula.S, Use.DYNAMIC),
    R_X86_64_JUMP_SLOT(7, Field.WORD64, Overflow.NONE, Formula.S, Use.DYNAMIC),
    R_X86_64_RELATIVE(8, Field.WORD64, Overflow.NONE, Formula.B_A, Use.DYNAMIC),
    R_X86_64_GOTPCREL(9, Field.WORD32, Overflow.SIGNED, Formula.G_GOT_A_P, Use.PERMISSIVE),
    R_X86_64_32(10, Field.WORD32, Overflow.UNSIGNED, Formula.S_A, Use.KERNEL),
    R_X86_64_32S(11, Field.WORD32, Overflow.SIGNED, Formula.S_A, Use.KERNEL),
    R_X86_64_16(12, Field.WORD16, Overflow.EITHER, Formula.S_A, Use.PERMISSIVE),
    R_X86_64_PC16(13, Field.WORD16, Overflow.SIGNED, Formula.S_A_P, Use.PERMISSIVE),
    R_X86_64_8(14, Field.WORD8, Overflow.EITHER, Formula.S_A, Use.PERMISSIVE),
    R_X86_64_PC8(15, Field.WORD8, Overflow.SIGNED, Formula.S_A_P, Use.PERMISSIVE),
    R_X86_64_DTPMOD64(16, Field.WORD64, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_X86_64_DTPOFF64(17, Field.WORD64, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_X86_64_TPOFF64(18, Field.WORD64, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_X86_64_TLSGD(19, Field.WORD32, Overflow.SIGNED, Formula.SPECIAL, Use.TLS),
    R_X86_64_TLSLD(20, Field.WORD32, Overflow.SIGNED, Formula.SPECIAL, Use.TLS),
    R_X86_64_DTPOFF32(21, Field.WORD32, Overflow.SIGNED, Formula.SPECIAL, Use.TLS),
    R_X86_64_GOTTPOFF(22, Field.WORD32, Overflow.SIGNED, Formula.SPECIAL, Use.TLS),
    R_X86_64_TPOFF32(23, Field.WORD32, Overflow.SIGNED, Formula.SPECIAL, Use.TLS),
    R_X86_64_PC64(24, Field.WORD64, Overflow.NONE, Formula.S_A_P, Use.KERNEL),
    R_X86_64_GOTOFF64(25, Field.WORD64, Overflow.NONE, Formula.S_A_GOT, Use.PERMISSIVE),
    R_X86_64_GOTPC32(26, Field.WORD32, Overflow.SIGNED, Formula.GOT_A_P, Use.PERMISSIVE),
    R_X86_64_GOT64(27, Field.WORD64, Overflow.NONE, Formula.G_A, Use.PERMISSIVE),
    R_X86_64_GOTPCREL64(28, Field.WORD64, Overflow.NONE, Formula.G_GOT_A_P, Use.PERMISSIVE),
    R_X86_64_GOTPC64(29, Field.WORD64, Overflow.NONE, Formula.GOT_A_P, Use.PERMISSIVE),
    R_X86_64_GOTPLT64(30, Field.WORD64, Overflow.NONE, Formula.G_A, Use.PERMISSIVE),
    R_X86_64_PLTOFF64(31, Field.WORD64, Overflow.NONE, Formula.L_GOT_A, Use.PERMISSIVE),
    R_X86_64_SIZE32(32, Field.WORD32, Overflow.UNSIGNED, Formula.Z_A, Use.PERMISSIVE),
    R_X86_64_SIZE64(33, Field.WORD64, Overflow.NONE, Formula.Z_A, Use.PERMISSIVE),
    R_X86_64_GOTPC32_TLSDESC(34, Field.WORD32, Overflow.SIGNED, Formula.SPECIAL, Use.TLS),
    R_X86_64_TLSDESC_CALL(35, Field.NONE, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_X86_64_TLSDESC(36, Field.WORD64, Overflow.NONE, Formula.SPECIAL, Use.TLS),
    R_X86_64_IRELATIVE(37, Field.WORD64, Overflow.NONE, Formula.SPECIAL, Use.DYNAMIC),
    R_X86_64_RELATIVE64(38, Field.WORD64, Overflow.NONE, Formula.B_A, Use.DYNAMIC),
    R_X86_64_GOTPCRELX(41, Field.WORD32, Overflow.SIGNED, Formula.G_GOT_A_P, Use.PERMISSIVE),
    R_X86_64_REX_GOTPCRELX(42, Field.WORD32, Overflow.SIGNED, Formula.G_GOT_A_P, Use.PERMISSIVE);

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

    X86_64Relocation(int number, Field field, Overflow overflow, Formula formula, Use use) {
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

    static Optional<X86_64Relocation> of(int number) {
        return Table.BY_NUMBER.find(number);
    }

    /** The row numbered {@code number} for the SPI, allocation-free. */
    static Optional<RelocationType> row(int number) {
        return Table.BY_NUMBER.row(number);
    }

    /** Holder: an enum's static fields are initialized after its constants. */
    private static final class Table {
        static final RelocationTable<X86_64Relocation> BY_NUMBER = RelocationTable.of(values());
    }
}
