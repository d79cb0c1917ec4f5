package org.modload.loader.link;

/**
 * One placed piece of the image: an allocated section of one of the linked objects, or a table
 * the engine built.
 *
 * @param name the section's name, or the table's
 * @param sectionIndex the section header index, or -1 for a table
 * @param address the run-time address
 * @param size the size in memory
 * @param alignment the alignment honoured
 * @param region core or init
 * @param object the index of the section's object in the link (0 for tables and one-object links)
 */
public record PlacedSection(String name, int sectionIndex, long address, long size, long alignment, Region region,
        int object) {

    /** A piece of a one-object link. */
    public PlacedSection(String name, int sectionIndex, long address, long size, long alignment, Region region) {
        this(name, sectionIndex, address, size, alignment, region, 0);
    }

    /** Whether this is a table the engine built rather than a section of an object. */
    public boolean isTable() {
        return sectionIndex < 0;
    }
}
