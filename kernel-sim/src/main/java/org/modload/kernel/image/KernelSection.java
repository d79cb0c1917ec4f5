package org.modload.kernel.image;

import java.util.Objects;

import org.modload.loader.elf.SectionFlags;

/**
 * The header of one vmlinux section, kept so that addresses can be placed without holding on
 * to the decompressed kernel.
 *
 * @param name the section name, e.g. {@code .text}
 * @param address sh_addr, the virtual address
 * @param size sh_size (for SHT_NOBITS, the size in memory)
 * @param flags sh_flags ({@link SectionFlags} bits)
 */
public record KernelSection(String name, long address, long size, long flags) {

    public KernelSection {
        Objects.requireNonNull(name, "name");
    }

    /** Whether the section takes memory at run time (SHF_ALLOC). */
    public boolean allocated() {
        return (flags & SectionFlags.SHF_ALLOC) != 0;
    }

    /** Whether the section holds code (SHF_EXECINSTR). */
    public boolean executable() {
        return (flags & SectionFlags.SHF_EXECINSTR) != 0;
    }

    /** Whether the section is writable at run time (SHF_WRITE). */
    public boolean writable() {
        return (flags & SectionFlags.SHF_WRITE) != 0;
    }

    /** Whether {@code addr} lies in {@code [address, address + size)}, compared unsigned. */
    public boolean contains(long addr) {
        return Long.compareUnsigned(addr - address, size) < 0;
    }
}
