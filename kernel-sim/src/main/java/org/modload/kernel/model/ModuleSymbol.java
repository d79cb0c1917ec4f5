package org.modload.kernel.model;

/**
 * One symbol of a loaded module as kallsyms keeps it (Linux copies the module's symbols at load
 * time so that the object itself can be freed), in the module's symbol table order.
 *
 * @param name the symbol
 * @param address its run-time address (for a per-cpu symbol, its per-cpu address)
 * @param type the letter /proc/kallsyms prints: Linux's {@code elf_type()} ({@code t} text,
 *     {@code r} read-only, {@code d} data, {@code b} bss, {@code a} absolute or per-cpu,
 *     {@code v}/{@code w} weak object/other, {@code U} undefined, {@code ?} anything else), upper
 *     case only when the module exports the symbol with {@code EXPORT_SYMBOL} (not {@code _GPL})
 * @param init whether only the full symbol table of a loading module lists it: Linux keeps the
 *     core symbols (defined in core memory or per-cpu data) once init has run
 */
public record ModuleSymbol(String name, long address, char type, boolean init) {
}
