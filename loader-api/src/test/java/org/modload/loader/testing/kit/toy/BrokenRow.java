package org.modload.loader.testing.kit.toy;

import org.modload.loader.reloc.Field;
import org.modload.loader.reloc.Formula;
import org.modload.loader.reloc.Overflow;
import org.modload.loader.reloc.RelocationType;

/** A psABI row as a broken variant of the toy declares it. */
record BrokenRow(String name, int number, Field field, Overflow overflow, Formula formula) implements RelocationType {

    /** {@code row} with another formula. */
    static BrokenRow withFormula(RelocationType row, Formula formula) {
        return new BrokenRow(row.name(), row.number(), row.field(), row.overflow(), formula);
    }

    /** {@code row} with another overflow rule. */
    static BrokenRow withOverflow(RelocationType row, Overflow overflow) {
        return new BrokenRow(row.name(), row.number(), row.field(), overflow, row.formula());
    }
}
