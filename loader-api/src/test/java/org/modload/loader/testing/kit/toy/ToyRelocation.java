package org.modload.loader.testing.kit.toy;

import java.util.Optional;

import org.modload.loader.reloc.Field;
import org.modload.loader.reloc.Formula;
import org.modload.loader.reloc.Overflow;
import org.modload.loader.reloc.RelocationTable;
import org.modload.loader.reloc.RelocationType;

/**
 * Step 2 of "Adding an architecture": the psABI table as data. The toy's subset of the AMD64
 * psABI's "Relocation Types" table, one constant per type in psABI spelling, each with its number,
 * field, overflow rule (as lld checks it) and the formula the core evaluates; {@code toy.csv}
 * transcribes the same rows from the document.
 */
enum ToyRelocation implements RelocationType {
    R_X86_64_NONE(0, Field.NONE, Overflow.NONE, Formula.NONE, true),
    R_X86_64_64(1, Field.WORD64, Overflow.NONE, Formula.S_A, true),
    R_X86_64_PC32(2, Field.WORD32, Overflow.SIGNED, Formula.S_A_P, true),
    R_X86_64_PLT32(4, Field.WORD32, Overflow.SIGNED, Formula.L_A_P, true),
    R_X86_64_GOTPCREL(9, Field.WORD32, Overflow.SIGNED, Formula.G_GOT_A_P, false),
    R_X86_64_32(10, Field.WORD32, Overflow.UNSIGNED, Formula.S_A, true),
    R_X86_64_32S(11, Field.WORD32, Overflow.SIGNED, Formula.S_A, true),
    R_X86_64_PC64(24, Field.WORD64, Overflow.NONE, Formula.S_A_P, true),
    R_X86_64_GOTPCRELX(41, Field.WORD32, Overflow.SIGNED, Formula.G_GOT_A_P, false),
    R_X86_64_REX_GOTPCRELX(42, Field.WORD32, Overflow.SIGNED, Formula.G_GOT_A_P, false);

    private final int number;
    private final Field field;
    private final Overflow overflow;
    private final Formula formula;
    private final boolean kernel;

    ToyRelocation(int number, Field field, Overflow overflow, Formula formula, boolean kernel) {
        this.number = number;
        this.field = field;
        this.overflow = overflow;
        this.formula = formula;
        this.kernel = kernel;
    }

    /** Whether Linux's x86_64 module loader applies it (else only PERMISSIVE does). */
    boolean kernel() {
        return kernel;
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

    static Optional<ToyRelocation> of(int number) {
        return Table.BY_NUMBER.find(number);
    }

    /** Holder: an enum's static fields are initialized after its constants. */
    private static final class Table {
        static final RelocationTable<ToyRelocation> BY_NUMBER = RelocationTable.of(values());
    }
}
