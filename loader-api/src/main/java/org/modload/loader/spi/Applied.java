package org.modload.loader.spi;

import java.util.OptionalLong;

import org.modload.loader.reloc.Operands;
import org.modload.loader.reloc.RelocationType;

/**
 * How the engine applied one relocation before the architecture writes it: the row whose
 * formula was evaluated (the site's own, or the one a relaxation named), what the table rule
 * decided, the operands and the value. Immutable.
 *
 * @param row the row applied
 * @param need the rule's decision for the site
 * @param operands the terms' values
 * @param value the row's formula evaluated on {@code operands}; 0 for NONE and SPECIAL
 */
public record Applied(RelocationType row, Need need, Operands operands, long value) {

    /** The site's entry address, when the rule gave it one. */
    public OptionalLong entry() {
        return operands.entry();
    }

    /** Whether the rule relaxed the site. */
    public boolean relaxed() {
        return need instanceof Need.Relaxed;
    }
}
