package org.modload.loader.elf;

/**
 * The version a dynamic symbol is bound to, from SHT_GNU_versym with its SHT_GNU_verdef or
 * SHT_GNU_verneed record.
 *
 * @param index the versym value without the hidden bit (2 and above; 0 and 1 have no version)
 * @param hidden whether the versym hidden bit (0x8000) is set
 * @param name the version's name, e.g. {@code GLIBC_2.2.5}
 * @param needed true when the version comes from a verneed record (required of another file),
 *     false for one this file defines
 * @param base whether a defined version is the file's base version (VER_FLG_BASE)
 * @param file for a needed version, the library that must provide it; empty otherwise
 */
public record SymbolVersion(int index, boolean hidden, String name, boolean needed, boolean base, String file) {
}
