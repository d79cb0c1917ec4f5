package org.modload.loader.spi;

import java.util.Optional;

/** Writes one table entry of an {@link EntryKind}. */
@FunctionalInterface
public interface EntryWriter {

    /**
     * Called once per entry, while relocating, when the first relocation that needs it is
     * applied (entries an entry holds are written before it). May write only the slot's bytes.
     *
     * @return the function descriptor this entry is, for descriptor kinds (ia64's {@code .opd}),
     *     so that entries holding its address (PLT entries) know its contents; else empty
     * @throws org.modload.loader.diag.RelocationException located at {@link EntrySlot#site()}
     *     when the entry cannot be made (a stub that cannot reach, unknown descriptor contents)
     */
    Optional<FunctionDescriptor> write(EntrySlot slot);
}
