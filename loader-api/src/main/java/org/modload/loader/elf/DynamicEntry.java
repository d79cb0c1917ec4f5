package org.modload.loader.elf;

/** One ElfN_Dyn: its tag and d_val/d_ptr. */
public record DynamicEntry(DynamicTag tag, long value) {
}
