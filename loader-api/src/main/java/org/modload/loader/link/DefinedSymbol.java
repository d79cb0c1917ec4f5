package org.modload.loader.link;

import org.modload.loader.elf.SymbolBinding;
import org.modload.loader.elf.SymbolType;

/**
 * A global or weak symbol the link defines, with its run-time address: what a caller looks up
 * to find an entry point without reading the objects again.
 *
 * @param name the symbol's name
 * @param address its address after layout (st_value for absolute symbols)
 * @param size st_size
 * @param type st_type
 * @param binding STB_GLOBAL or STB_WEAK
 * @param object the defining object's index in the link
 */
public record DefinedSymbol(String name, long address, long size, SymbolType type, SymbolBinding binding, int object) {
}
