package org.modload.loader.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

import org.modload.loader.reloc.Field;
import org.modload.loader.reloc.RelocationType;

/**
 * A psABI relocation table transcribed into a CSV ({@code name,number,field,calculation}, lines
 * starting with {@code #} say where from) and its comparison with an architecture's enum: the
 * differences as one line each, so that a test can hold them against an exact list.
 *
 * @param rows the table's rows in document order
 */
public record PsAbiTable(List<Row> rows) {

    /** One row, with the calculation's whitespace normalised. */
    public record Row(String name, int number, String field, String calculation) {
    }

    public PsAbiTable {
        rows = List.copyOf(rows);
    }

    /** Reads a CSV the caller opened (a resource of its own module). */
    public static PsAbiTable read(InputStream csv) {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = csv;
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new PsAbiTable(rows);
    }

    /**
     * The psABI's field names in {@link Field} terms; {@code wordclass} is the class's word
     * ({@code classWord}), a pair of word64s ({@code word64x2}) is one WORD64 to Field.
     */
    public static Field field(String psabi, Field classWord) {
        return switch (psabi) {
            case "none" -> Field.NONE;
            case "word8" -> Field.WORD8;
            case "word16" -> Field.WORD16;
            case "word32" -> Field.WORD32;
            case "word64", "word64x2" -> Field.WORD64;
            case "wordclass" -> classWord;
            // ia64 (binutils' words): data words by byte order, instruction fields by instruction.
            case "word32msb", "word32lsb" -> Field.WORD32;
            case "word64msb", "word64lsb" -> Field.WORD64;
            case "imm14", "imm22", "imm64", "brl", "ptb", "chk.s", "fchkf", "ld8" -> Field.INSTRUCTION;
            default -> throw new IllegalArgumentException("not a psABI field: " + psabi);
        };
    }

    public static String normalise(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }

    /** Every difference between a row and the constant {@code lookup} finds for its number. */
    public List<String> differences(IntFunction<Optional<? extends RelocationType>> lookup, Field classWord) {
        return differences(lookup, classWord, new PsAbiCalculation(PsAbiCalculation.G.OFFSET));
    }

    /**
     * Every difference between a row and the constant {@code lookup} finds for its number; the
     * calculation is compared by evaluating the document's text and the constant's formula on
     * the same operands ({@link PsAbiCalculation}).
     */
    public List<String> differences(IntFunction<Optional<? extends RelocationType>> lookup, Field classWord,
            PsAbiCalculation calculation) {
        List<String> differences = new ArrayList<>();
        for (Row row : rows) {
            String what = row.name() + " (" + row.number() + "): ";
            Optional<? extends RelocationType> found = lookup.apply(row.number());
            if (found.isEmpty()) {
                differences.add(what + "no constant");
                continue;
            }
            RelocationType c = found.get();
            if (!c.name().equals(row.name())) {
                differences.add(what + "name: psABI '" + row.name() + "', enum '" + c.name() + "'");
            }
            if (c.field() != field(row.field(), classWord)) {
                differences.add(what + "field: psABI '" + row.field() + "', enum '" + c.field() + "'");
            }
            String calc = calculation.check(row.calculation(), c.formula());
            if (!calc.isEmpty()) {
                differences.add(what + "calculation: psABI '" + row.calculation() + "', enum '" + c.formula() + "': "
                        + calc);
            }
        }
        return differences;
    }

    /** The constants the table has no row for, as {@code NAME (number)}. */
    public List<String> extra(Collection<? extends RelocationType> constants) {
        Set<Integer> numbers = numbers();
        List<String> extra = new ArrayList<>();
        for (RelocationType c : constants) {
            if (!numbers.contains(c.number())) {
                extra.add(c.name() + " (" + c.number() + ")");
            }
        }
        return extra;
    }

    /** The numbers from 0 to {@code last} that no row has. */
    public Set<Integer> gaps(int last) {
        Set<Integer> numbers = numbers();
        Set<Integer> gaps = new HashSet<>();
        for (int i = 0; i <= last; i++) {
            if (!numbers.contains(i)) {
                gaps.add(i);
            }
        }
        return gaps;
    }

    private Set<Integer> numbers() {
        Set<Integer> numbers = new HashSet<>();
        for (Row r : rows) {
            assertEquals(true, numbers.add(r.number()), "number " + r.number() + " twice");
        }
        return numbers;
    }
}
