package org.modload.loader.spi;

import java.util.Objects;

/**
 * A table an architecture registered with the kernel for one module in
 * {@link KernelSupport#finalizeModule} (ia64: an unwind table). The kernel does not read it; it
 * keeps it while the module lives and drops it with the region it belongs to.
 *
 * @param kind what the table is, in the architecture's words (e.g. {@code unwind})
 * @param section the module section that holds the entries
 * @param init whether it describes init code, and so goes when init memory is released
 * @param address the run-time address of the section holding the entries
 * @param entries how many of the section's entries the table covers
 */
public record RegisteredTable(String kind, String section, boolean init, long address, long entries) {

    public RegisteredTable {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(section, "section");
        if (entries < 0) {
            throw new IllegalArgumentException("negative entry count " + entries);
        }
    }
}
