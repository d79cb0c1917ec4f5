package org.modload.loader.elf;

import java.util.OptionalLong;

/**
 * One relocation entry, REL and RELA alike.
 *
 * @param offset r_offset, relative to the target section
 * @param type the relocation type from r_info
 * @param symbol the symbol-table index from r_info
 * @param addend r_addend for RELA; empty for REL, whose addend lives in the place
 */
public record Relocation(long offset, int type, int symbol, OptionalLong addend) {
}
