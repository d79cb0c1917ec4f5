package org.modload.arch.i386;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.modload.loader.reloc.Field;
import org.modload.loader.testing.PsAbiCalculation;
import org.modload.loader.testing.PsAbiTable;

/**
 * {@link I386Relocation} against the i386 psABI's relocation tables, transcribed into
 * {@code src/test/resources/psabi/i386.csv} (its header says from where): every row has a
 * constant of the same name, number, field and calculation, and every constant has a row.
 */
class PsAbiTableTest {

    private static PsAbiTable table() {
        return PsAbiTable.read(PsAbiTableTest.class.getResourceAsStream("/psabi/i386.csv"));
    }

    /** The table is read whole: the count, the numbers and the order are the document's. */
    @Test
    void csvIsTheWholeTable() {
        PsAbiTable t = table();
        assertEquals(42, t.rows().size(), "rows 0-11 and 14-43");
        t.rows().forEach(r -> assertTrue(r.name().startsWith("R_386_"), r.name()));
        assertEquals(Set.of(12, 13), t.gaps(43), "numbers no type has");
    }

    @Test
    void everyRowHasItsConstant() {
        // The i386 psABI's G is the GOT entry's address (its "G + A - GOT"), the core's the offset.
        assertEquals(List.of(), table().differences(I386Relocation::of, Field.WORD32,
                new PsAbiCalculation(PsAbiCalculation.G.ADDRESS)));
    }

    @Test
    void everyConstantHasItsRow() {
        PsAbiTable t = table();
        assertEquals(List.of(), t.extra(Arrays.asList(I386Relocation.values())), "constants the psABI table does not have");
        assertEquals(t.rows().size(), I386Relocation.values().length, "constants");
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
}
