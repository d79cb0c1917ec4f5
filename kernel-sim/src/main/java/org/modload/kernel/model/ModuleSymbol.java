package org.modload.kernel.model;

/**
 * One symbol of a loaded module as kallsyms keeps it (Linux copies the module's symbols at load
 * time so that the object itself can be freed).
 *
 * @param name the symbol
 * @param address its run-time address
 * @param type nm's letter ({@code t}, {@code r}, {@code d}, {@code b}; upper case when global)
 * @param init whether it lies in the init region, released once the module is LIVE
 */
public record ModuleSymbol(String name, long address, char type, boolean init) {
}
