package org.modload.loader.diag;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Where in an input file something went wrong: the file, optionally a section (by index and
 * name) and optionally an offset inside that section.
 *
 * <p>Two renderings exist because two audiences read them: header-level problems read as
 * {@code af_key.ko: section header 7 (.rela.text)}, relocation sites read lld-style as
 * {@code af_key.ko:(.text+0x1a)}.
 *
 * @param file the file's display name (never null)
 * @param sectionIndex the section header index, if the problem is tied to a section
 * @param sectionName the section's name, or empty when unknown
 * @param offset the offset inside the section, if the problem is tied to a place
 * @param segmentIndex the program header index, if the problem is tied to a segment (then no
 *     section is named)
 */
public record Location(String file, OptionalInt sectionIndex, String sectionName, OptionalLong offset,
        OptionalInt segmentIndex) {

    public Location {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sectionIndex, "sectionIndex");
        Objects.requireNonNull(sectionName, "sectionName");
        Objects.requireNonNull(offset, "offset");
        Objects.requireNonNull(segmentIndex, "segmentIndex");
    }

    /** A location in a section (or the file), not in a segment. */
    public Location(String file, OptionalInt sectionIndex, String sectionName, OptionalLong offset) {
        this(file, sectionIndex, sectionName, offset, OptionalInt.empty());
    }

    /** A location naming program header {@code index} of the file. */
    public static Location ofSegment(String file, int index) {
        return new Location(file, OptionalInt.empty(), "", OptionalLong.empty(), OptionalInt.of(index));
    }

    /** A location naming only the file. */
    public static Location ofFile(String file) {
        return new Location(file, OptionalInt.empty(), "", OptionalLong.empty());
    }

    /** A location naming a section header of the file. */
    public static Location ofSection(String file, int index, String name) {
        return new Location(file, OptionalInt.of(index), name == null ? "" : name, OptionalLong.empty());
    }

    /** A location naming a place inside a section. */
    public static Location ofPlace(String file, int index, String name, long offset) {
        return new Location(file, OptionalInt.of(index), name == null ? "" : name, OptionalLong.of(offset));
    }

    /** {@code file}, {@code file: section header N (name)} or {@code file: program header N}. */
    public String headerForm() {
        if (segmentIndex.isPresent()) {
            return file + ": program header " + segmentIndex.getAsInt();
        }
        if (sectionIndex.isEmpty()) {
            return file;
        }
        String named = sectionName.isEmpty() ? "" : " (" + printable(sectionName) + ")";
        return file + ": section header " + sectionIndex.getAsInt() + named;
    }

    /** lld's form {@code file:(.text+0x1a)}; falls back to {@link #headerForm()} without an offset. */
    public String placeForm() {
        if (offset.isEmpty() || sectionIndex.isEmpty()) {
            return headerForm();
        }
        return file + ":(" + printable(sectionName) + "+0x" + Long.toHexString(offset.getAsLong()) + ")";
    }

    /**
     * {@code name} with control characters as {@code \xNN} escapes, as readelf shows them: a
     * name comes from the file, and a newline in it must not split a one-line message.
     */
    public static String printable(String name) {
        StringBuilder sb = null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (sb == null) {
                    sb = new StringBuilder(name.substring(0, i));
                }
                sb.append(String.format("\\x%02x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? name : sb.toString();
    }
}
