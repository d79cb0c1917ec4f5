package org.modload.loader.elf;

/** One ElfN_Phdr, as read. */
public record ProgramHeader(SegmentType type, int flags, long offset, long vaddr, long paddr, long filesz,
        long memsz, long align) {

    /** Whether {@code flag} (an {@link SegmentFlags} bit) is set. */
    public boolean has(int flag) {
        return (flags & flag) != 0;
    }
}
