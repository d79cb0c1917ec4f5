package org.modload.loader.link;

/**
 * One placed piece of the image: an allocated section of the object or a table the architecture
 * synthesized.
 *
 * @param name the section's name, or the table's
 * @param sectionIndex the section header index, or -1 for a synthesized table
 * @param address the run-time address
 * @param size the size in memory
 * @param alignment the alignment honoured
 * @param region core or init
 */
public record PlacedSection(String name, int sectionIndex, long address, long size, long alignment, Region region) {

    /** Whether this is a table the architecture synthesized rather than a section of the object. */
    public boolean isTable() {
        return sectionIndex < 0;
    }
}
