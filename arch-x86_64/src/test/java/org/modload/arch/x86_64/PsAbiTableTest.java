package org.modload.arch.x86_64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.modload.loader.reloc.Field;
import org.modload.loader.testing.PsAbiTable;

/**
 * {@link X86_64Relocation} against the AMD64 psABI's relocation tables, transcribed into
 * {@code src/test/resources/psabi/x86_64.csv} (its header says from where): every row has a
 * constant of the same name, number, field and calculation, and every constant has a row.
 */
class PsAbiTableTest {

    private static PsAbiTable table() {
        return PsAbiTable.read(PsAbiTableTest.class.getResourceAsStream("/psabi/x86_64.csv"));
    }

    /** The table is read whole: the count, the numbers and the order are the document's. */
    @Test
    void csvIsTheWholeTable() {
        PsAbiTable t = table();
        assertEquals(41, t.rows().size(), "rows 0-38 and 41-42");
        t.rows().forEach(r -> assertTrue(r.name().startsWith("R_X86_64_"), r.name()));
        assertEquals(Set.of(39, 40), t.gaps(42), "the psABI's Deprecated numbers");
    }

    @Test
    void everyRowHasItsConstant() {
        assertEquals(List.of(), table().differences(X86_64Relocation::of, Field.WORD64));
    }

    @Test
    void everyConstantHasItsRow() {
        PsAbiTable t = table();
        assertEquals(List.of(), t.extra(Arrays.asList(X86_64Relocation.values())), "constants the psABI table does not have");
        assertEquals(t.rows().size(), X86_64Relocation.values().length, "constants");
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
}
