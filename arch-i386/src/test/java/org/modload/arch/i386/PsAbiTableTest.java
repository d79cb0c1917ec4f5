package org.modload.arch.i386;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.modload.loader.reloc.Field;

/**
 * {@link I386Relocation} against the i386 psABI's relocation tables, transcribed into
 * {@code src/test/resources/psabi/i386.csv} (its header says from where): every row has a
 * constant of the same name, number, field and calculation, and every constant has a row.
 *
 * <p>Where the enum and the document disagree the difference is listed in {@link #REPORTED},
 * each one as the test prints it; the list must match exactly, so a new disagreement fails the
 * test and so does a fixed one (then its line goes).
 */
class PsAbiTableTest {

    /**
     * Differences between the enum and the psABI that are known and reported, not fixed here: the
     * GOT32/GOT32X calculation, the spelling of type 7 (readelf prints R_386_JUMP_SLOT), the
     * Sun TLS marker types the psABI gives a word32 field, and the TLS calculations the psABI's
     * table leaves blank where the enum writes prose.
     */
    private static final List<String> REPORTED = List.of();

    /** One row of the CSV. */
    record Row(String name, int number, String field, String calculation) {
    }

    static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = PsAbiTableTest.class.getResourceAsStream("/psabi/i386.csv");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            boolean header = true;
            for (String line; (line = r.readLine()) != null;) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                assertEquals(4, cells.length, "cells in: " + line);
                if (header) {
                    assertEquals(List.of("name", "number", "field", "calculation"), Arrays.asList(cells));
                    header = false;
                    continue;
                }
                rows.add(new Row(cells[0].strip(), Integer.parseInt(cells[1].strip()), cells[2].strip(),
                        normalise(cells[3])));
            }
        }
        return rows;
    }

    /** The psABI's field names in {@link Field} terms. */
    static Field field(String psabi) {
        return switch (psabi) {
            case "none" -> Field.NONE;
            case "word8" -> Field.WORD8;
            case "word16" -> Field.WORD16;
            case "word32" -> Field.WORD32;
            default -> throw new IllegalArgumentException("not an i386 psABI field: " + psabi);
        };
    }

    static String normalise(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }

    /** The table is read whole: the count, the numbers and the order are the document's. */
    @Test
    void csvIsTheWholeTable() throws IOException {
        List<Row> rows = rows();
        assertEquals(42, rows.size(), "rows: 0-11 and 14-43");
        Set<Integer> numbers = new HashSet<>();
        for (Row row : rows) {
            assertTrue(numbers.add(row.number()), "number " + row.number() + " twice");
            assertTrue(row.name().startsWith("R_386_"), row.name());
        }
        assertEquals(Set.of(12, 13), missing(numbers, 43), "numbers no type has");
    }

    @Test
    void everyRowHasItsConstant() throws IOException {
        List<String> differences = new ArrayList<>();
        for (Row row : rows()) {
            String what = row.name() + " (" + row.number() + "): ";
            Optional<I386Relocation> found = I386Relocation.of(row.number());
            if (found.isEmpty()) {
                differences.add(what + "no constant");
                continue;
            }
            I386Relocation c = found.get();
            if (!c.name().equals(row.name())) {
                differences.add(what + "name: psABI '" + row.name() + "', enum '" + c.name() + "'");
            }
            if (c.field() != field(row.field())) {
                differences.add(what + "field: psABI '" + row.field() + "', enum '" + c.field() + "'");
            }
            if (!normalise(c.formula()).equals(row.calculation())) {
                differences.add(what + "calculation: psABI '" + row.calculation() + "', enum '" + c.formula() + "'");
            }
        }
        assertEquals(REPORTED, differences);
    }

    @Test
    void everyConstantHasItsRow() throws IOException {
        Set<Integer> numbers = new HashSet<>();
        rows().forEach(r -> numbers.add(r.number()));
        List<String> extra = new ArrayList<>();
        for (I386Relocation c : I386Relocation.values()) {
            if (!numbers.contains(c.number())) {
                extra.add(c.name() + " (" + c.number() + ")");
            }
        }
        assertEquals(List.of(), extra, "constants the psABI table does not have");
        assertEquals(rows().size(), I386Relocation.values().length, "constants");
    }

    /** Lookup by number finds each constant, and nothing for a number the psABI does not assign. */
    @Test
    void lookupByNumber() {
        for (I386Relocation c : I386Relocation.values()) {
            assertEquals(Optional.of(c), I386Relocation.of(c.number()));
        }
        I386Architecture arch = new I386Architecture();
        assertEquals("R_386_PLT32", arch.relocationName(4));
        assertEquals("unknown(12)", arch.relocationName(12));
        assertEquals("unknown(99)", arch.relocationName(99));
        assertEquals(Optional.empty(), arch.relocationType(-1));
    }

    private static Set<Integer> missing(Set<Integer> numbers, int last) {
        Set<Integer> gaps = new HashSet<>();
        for (int i = 0; i <= last; i++) {
            if (!numbers.contains(i)) {
                gaps.add(i);
            }
        }
        return gaps;
    }
}
