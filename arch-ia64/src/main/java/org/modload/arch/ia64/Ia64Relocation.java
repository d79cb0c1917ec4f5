package org.modload.arch.ia64;

import java.util.Optional;

import org.modload.loader.reloc.Field;
import org.modload.loader.reloc.Formula;
import org.modload.loader.reloc.Overflow;
import org.modload.loader.reloc.RelocationTable;
import org.modload.loader.reloc.RelocationType;

/**
 * The ia64 psABI relocation table (Intel Itanium Processor-specific ABI; numbering as in
 * elfutils/glibc {@code elf.h}), one constant per type. The low three bits of the number give
 * the target format and the rest the value formula, as Linux's ia64 module loader decodes them
 * ({@code r_type & 7}, {@code r_type >> 3}), and the calculation the core evaluates: S + A for
 * the direct and link-time-value types, {@code @gprel}, {@code @ltoff}, {@code @pltoff},
 * {@code @fptr}, {@code @ltoff(@fptr)}, {@code @segrel}, {@code @secrel}, the base-relative
 * REL types and the pc-relative ones (P is the bundle for instruction fields), E - P for
 * PCREL21B (a call that may go through a PLT entry), A - S for SUB; the TLS types are
 * {@code SPECIAL} (never applied). Which of them the loader applies is the architecture's
 * business.
 */
enum Ia64Relocation implements RelocationType {
    R_IA64_NONE(0x00, Field.NONE, Formula.NONE),
    R_IA64_IMM14(0x21, Field.INSTRUCTION, Formula.S_A),
    R_IA64_IMM22(0x22, Field.INSTRUCTION, Formula.S_A),
    R_IA64_IMM64(0x23, Field.INSTRUCTION, Formula.S_A),
    R_IA64_DIR32MSB(0x24, Field.WORD32, Formula.S_A),
    R_IA64_DIR32LSB(0x25, Field.WORD32, Formula.S_A),
    R_IA64_DIR64MSB(0x26, Field.WORD64, Formula.S_A),
    R_IA64_DIR64LSB(0x27, Field.WORD64, Formula.S_A),
    R_IA64_GPREL22(0x2a, Field.INSTRUCTION, Formula.GPREL),
    R_IA64_GPREL64I(0x2b, Field.INSTRUCTION, Formula.GPREL),
    R_IA64_GPREL32MSB(0x2c, Field.WORD32, Formula.GPREL),
    R_IA64_GPREL32LSB(0x2d, Field.WORD32, Formula.GPREL),
    R_IA64_GPREL64MSB(0x2e, Field.WORD64, Formula.GPREL),
    R_IA64_GPREL64LSB(0x2f, Field.WORD64, Formula.GPREL),
    R_IA64_LTOFF22(0x32, Field.INSTRUCTION, Formula.LTOFF),
    R_IA64_LTOFF64I(0x33, Field.INSTRUCTION, Formula.LTOFF),
    R_IA64_PLTOFF22(0x3a, Field.INSTRUCTION, Formula.PLTOFF),
    R_IA64_PLTOFF64I(0x3b, Field.INSTRUCTION, Formula.PLTOFF),
    R_IA64_PLTOFF64MSB(0x3e, Field.WORD64, Formula.PLTOFF),
    R_IA64_PLTOFF64LSB(0x3f, Field.WORD64, Formula.PLTOFF),
    R_IA64_FPTR64I(0x43, Field.INSTRUCTION, Formula.FPTR),
    R_IA64_FPTR32MSB(0x44, Field.WORD32, Formula.FPTR),
    R_IA64_FPTR32LSB(0x45, Field.WORD32, Formula.FPTR),
    R_IA64_FPTR64MSB(0x46, Field.WORD64, Formula.FPTR),
    R_IA64_FPTR64LSB(0x47, Field.WORD64, Formula.FPTR),
    R_IA64_PCREL60B(0x48, Field.INSTRUCTION, Formula.S_A_P),
    R_IA64_PCREL21B(0x49, Field.INSTRUCTION, Formula.E_P),
    R_IA64_PCREL21M(0x4a, Field.INSTRUCTION, Formula.S_A_P),
    R_IA64_PCREL21F(0x4b, Field.INSTRUCTION, Formula.S_A_P),
    R_IA64_PCREL32MSB(0x4c, Field.WORD32, Formula.S_A_P),
    R_IA64_PCREL32LSB(0x4d, Field.WORD32, Formula.S_A_P),
    R_IA64_PCREL64MSB(0x4e, Field.WORD64, Formula.S_A_P),
    R_IA64_PCREL64LSB(0x4f, Field.WORD64, Formula.S_A_P),
    R_IA64_LTOFF_FPTR22(0x52, Field.INSTRUCTION, Formula.LTOFF_FPTR),
    R_IA64_LTOFF_FPTR64I(0x53, Field.INSTRUCTION, Formula.LTOFF_FPTR),
    R_IA64_LTOFF_FPTR32MSB(0x54, Field.WORD32, Formula.LTOFF_FPTR),
    R_IA64_LTOFF_FPTR32LSB(0x55, Field.WORD32, Formula.LTOFF_FPTR),
    R_IA64_LTOFF_FPTR64MSB(0x56, Field.WORD64, Formula.LTOFF_FPTR),
    R_IA64_LTOFF_FPTR64LSB(0x57, Field.WORD64, Formula.LTOFF_FPTR),
    R_IA64_SEGREL32MSB(0x5c, Field.WORD32, Formula.SEGREL),
    R_IA64_SEGREL32LSB(0x5d, Field.WORD32, Formula.SEGREL),
    R_IA64_SEGREL64MSB(0x5e, Field.WORD64, Formula.SEGREL),
    R_IA64_SEGREL64LSB(0x5f, Field.WORD64, Formula.SEGREL),
    R_IA64_SECREL32MSB(0x64, Field.WORD32, Formula.SECREL),
    R_IA64_SECREL32LSB(0x65, Field.WORD32, Formula.SECREL),
    R_IA64_SECREL64MSB(0x66, Field.WORD64, Formula.SECREL),
    R_IA64_SECREL64LSB(0x67, Field.WORD64, Formula.SECREL),
    R_IA64_REL32MSB(0x6c, Field.WORD32, Formula.BDREL),
    R_IA64_REL32LSB(0x6d, Field.WORD32, Formula.BDREL),
    R_IA64_REL64MSB(0x6e, Field.WORD64, Formula.BDREL),
    R_IA64_REL64LSB(0x6f, Field.WORD64, Formula.BDREL),
    R_IA64_LTV32MSB(0x74, Field.WORD32, Formula.S_A),
    R_IA64_LTV32LSB(0x75, Field.WORD32, Formula.S_A),
    R_IA64_LTV64MSB(0x76, Field.WORD64, Formula.S_A),
    R_IA64_LTV64LSB(0x77, Field.WORD64, Formula.S_A),
    R_IA64_PCREL21BI(0x79, Field.INSTRUCTION, Formula.S_A_P),
    R_IA64_PCREL22(0x7a, Field.INSTRUCTION, Formula.S_A_P),
    R_IA64_PCREL64I(0x7b, Field.INSTRUCTION, Formula.S_A_P),
    R_IA64_IPLTMSB(0x80, Field.WORD64, Formula.FPTR),
    R_IA64_IPLTLSB(0x81, Field.WORD64, Formula.FPTR),
    R_IA64_COPY(0x84, Field.NONE, Formula.NONE),
    R_IA64_SUB(0x85, Field.INSTRUCTION, Formula.A_S),
    R_IA64_LTOFF22X(0x86, Field.INSTRUCTION, Formula.LTOFF),
    R_IA64_LDXMOV(0x87, Field.INSTRUCTION, Formula.NONE),
    R_IA64_TPREL14(0x91, Field.INSTRUCTION, Formula.SPECIAL),
    R_IA64_TPREL22(0x92, Field.INSTRUCTION, Formula.SPECIAL),
    R_IA64_TPREL64I(0x93, Field.INSTRUCTION, Formula.SPECIAL),
    R_IA64_TPREL64MSB(0x96, Field.WORD64, Formula.SPECIAL),
    R_IA64_TPREL64LSB(0x97, Field.WORD64, Formula.SPECIAL),
    R_IA64_LTOFF_TPREL22(0x9a, Field.INSTRUCTION, Formula.SPECIAL),
    R_IA64_DTPMOD64MSB(0xa6, Field.WORD64, Formula.SPECIAL),
    R_IA64_DTPMOD64LSB(0xa7, Field.WORD64, Formula.SPECIAL),
    R_IA64_LTOFF_DTPMOD22(0xaa, Field.INSTRUCTION, Formula.SPECIAL),
    R_IA64_DTPREL14(0xb1, Field.INSTRUCTION, Formula.SPECIAL),
    R_IA64_DTPREL22(0xb2, Field.INSTRUCTION, Formula.SPECIAL),
    R_IA64_DTPREL64I(0xb3, Field.INSTRUCTION, Formula.SPECIAL),
    R_IA64_DTPREL32MSB(0xb4, Field.WORD32, Formula.SPECIAL),
    R_IA64_DTPREL32LSB(0xb5, Field.WORD32, Formula.SPECIAL),
    R_IA64_DTPREL64MSB(0xb6, Field.WORD64, Formula.SPECIAL),
    R_IA64_DTPREL64LSB(0xb7, Field.WORD64, Formula.SPECIAL),
    R_IA64_LTOFF_DTPREL22(0xba, Field.INSTRUCTION, Formula.SPECIAL);

    private final int number;
    private final Field field;
    private final Formula formula;

    Ia64Relocation(int number, Field field, Formula formula) {
        this.number = number;
        this.field = field;
        this.formula = formula;
    }

    @Override
    public int number() {
        return number;
    }

    @Override
    public Field field() {
        return field;
    }

    /**
     * Instruction immediates are range-checked where they are encoded; data words wrap, as
     * Linux's {@code put_unaligned} and binutils store them.
     */
    @Override
    public Overflow overflow() {
        return Overflow.NONE;
    }

    @Override
    public Formula formula() {
        return formula;
    }

    static Optional<Ia64Relocation> of(int number) {
        return Table.BY_NUMBER.find(number);
    }

    /** The row numbered {@code number} for the SPI, allocation-free. */
    static Optional<RelocationType> row(int number) {
        return Table.BY_NUMBER.row(number);
    }

    /** Holder: an enum's static fields are initialized after its constants. */
    private static final class Table {
        static final RelocationTable<Ia64Relocation> BY_NUMBER = RelocationTable.of(values());
    }
}
