package org.modload.loader.elf;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * The file bytes behind virtual addresses, through the PT_LOAD segments' file images (p_vaddr to
 * p_vaddr + p_filesz), as a dynamic loader or readelf's {@code offset_from_vma} finds them: how a
 * file without section headers reaches the tables its PT_DYNAMIC names. Immutable.
 */
final class SegmentMap {
    private final List<Segment> loads;

    SegmentMap(List<Segment> segments) {
        this.loads = segments.stream().filter(s -> s.type().equals(SegmentType.PT_LOAD)).toList();
    }

    /** The {@code size} bytes at {@code vaddr}, if one PT_LOAD's file image holds them all. */
    Optional<ByteBuffer> bytes(long vaddr, long size) {
        for (Segment s : loads) {
            if (s.containsFileAddress(vaddr, size)) {
                int at = (int) (vaddr - s.header().vaddr());
                return Optional.of(s.bytes().slice(at, (int) size).order(s.bytes().order()));
            }
        }
        return Optional.empty();
    }

    /** The bytes from {@code vaddr} to the end of the file image of the PT_LOAD that holds it. */
    Optional<ByteBuffer> from(long vaddr) {
        for (Segment s : loads) {
            if (s.containsFileAddress(vaddr, 0)) {
                long at = vaddr - s.header().vaddr();
                return bytes(vaddr, s.header().filesz() - at);
            }
        }
        return Optional.empty();
    }
}
