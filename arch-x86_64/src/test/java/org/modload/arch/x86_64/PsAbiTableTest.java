package org.modload.arch.x86_64;

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
 * {@link X86_64Relocation} against the AMD64 psABI's relocation tables, transcribed into
 * {@code src/test/resources/psabi/x86_64.csv} (its header says from where): every row has a
 * constant of the same name, number, field and calculation, and every constant has a row.
 *
 * <p>Where the enum and the document disagree the difference is listed in {@link #REPORTED},
 * each one as the test prints it; the list must match exactly, so a new disagreement fails the
 * test and so does a fixed one (then its line goes).
 */
class PsAbiTableTest {

    /**
     * Differences between the enum and the psABI that are known and reported, not fixed here:
     * the psABI's table leaves the calculation of the TLS types blank, the enum writes prose.
     */
    private static final List<String> REPORTED = List.of();

    /** One row of the CSV. */
    record Row(String name, int number, String field, String calculation) {
    }

    static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = PsAbiTableTest.class.getResourceAsStream("/psabi/x86_64.csv");
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

    /**
     * The psABI's field names in {@link Field} terms. {@code wordclass} is word64 for LP64, as the
     * psABI defines it; R_X86_64_TLSDESC's pair of word64s is one WORD64 to Field.
     */
    static Field field(String psabi) {
        return switch (psabi) {
            case "none" -> Field.NONE;
            case "word8" -> Field.WORD8;
            case "word16" -> Field.WORD16;
            case "word32" -> Field.WORD32;
            case "word64", "wordclass", "word64x2" -> Field.WORD64;
            default -> throw new IllegalArgumentException("not a psABI field: " + psabi);
        };
    }

    static String normalise(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }

    /** The table is read whole: the count, the numbers and the order are the document's. */
    @Test
    void csvIsTheWholeTable() throws IOException {
        List<Row> rows = rows();
        assertEquals(41, rows.size(), "rows: 0-38 and 41-42");
        Set<Integer> numbers = new HashSet<>();
        for (Row row : rows) {
            assertTrue(numbers.add(row.number()), "number " + row.number() + " twice");
            assertTrue(row.name().startsWith("R_X86_64_"), row.name());
        }
        assertEquals(Set.of(39, 40), missing(numbers, 42), "the psABI's Deprecated numbers");
    }

    @Test
    void everyRowHasItsConstant() throws IOException {
        List<String> differences = new ArrayList<>();
        for (Row row : rows()) {
            String what = row.name() + " (" + row.number() + "): ";
            Optional<X86_64Relocation> found = X86_64Relocation.of(row.number());
            if (found.isEmpty()) {
                differences.add(what + "no constant");
                continue;
            }
            X86_64Relocation c = found.get();
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
        for (X86_64Relocation c : X86_64Relocation.values()) {
            if (!numbers.contains(c.number())) {
                extra.add(c.name() + " (" + c.number() + ")");
            }
        }
        assertEquals(List.of(), extra, "constants the psABI table does not have");
        assertEquals(rows().size(), X86_64Relocation.values().length, "constants");
    }

    /** Lookup by number finds each constant, and nothing for a number the psABI does not assign. */
    @Test
    void lookupByNumber() {
        for (X86_64Relocation c : X86_64Relocation.values()) {
            assertEquals(Optional.of(c), X86_64Relocation.of(c.number()));
        }
        X86_64Architecture arch = new X86_64Architecture();
        assertEquals("R_X86_64_32S", arch.relocationName(11));
        assertEquals("unknown(39)", arch.relocationName(39));
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
