package org.modload.loader.spi;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One entry to write: its memory (the table's; the entry is {@code size} bytes at
 * {@link #offset()}), its run-time address, the address it holds and what is known of that.
 *
 * @param memory the table's writable memory, in the object's byte order
 * @param offset the entry's offset in {@code memory}
 * @param address the entry's run-time address
 * @param target the address the entry holds (S, S + A, or the inner entry's address)
 * @param targetDescriptor the contents of the function descriptor at {@code target}, when known
 *     (an inner descriptor entry's, or the symbol resolver's for an imported function)
 * @param got {@code _GLOBAL_OFFSET_TABLE_}, when the architecture defines it
 * @param gp {@code __gp}, when the architecture defines it
 * @param site the first relocation that needs the entry, for messages
 */
public record EntrySlot(ByteBuffer memory, int offset, long address, long target,
        Optional<FunctionDescriptor> targetDescriptor, OptionalLong got, OptionalLong gp, RelocationSite site) {
}
