package org.modload.loader.elf;

/**
 * The Elf32_Chdr/Elf64_Chdr at the start of an SHF_COMPRESSED section.
 *
 * @param type ch_type
 * @param size ch_size: the size of the section's contents once inflated (its logical size)
 * @param addralign ch_addralign: the logical alignment
 * @param headerSize the size of the Chdr itself (0xc or 0x18); the compressed stream follows it
 */
public record CompressionHeader(CompressionType type, long size, long addralign, int headerSize) {
}
