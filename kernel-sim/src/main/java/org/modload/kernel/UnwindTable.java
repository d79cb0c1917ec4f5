package org.modload.kernel;

import org.modload.loader.link.Region;

/**
 * An unwind table a module registered with the kernel (ia64's {@code .IA_64.unwind}: 24-byte
 * entries {start, end, info}, made absolute by relocation). Linux splits a module's entries into
 * a core and an init table by the code they describe; the init one is unregistered when init
 * memory is released.
 *
 * @param section the section the entries are in
 * @param region the region of the code they describe
 * @param address the section's run-time address
 * @param entries the number of entries describing code of {@code region}
 */
public record UnwindTable(String section, Region region, long address, long entries) {
    /** The size of one unwind table entry. */
    public static final int ENTRY = 24;
}
