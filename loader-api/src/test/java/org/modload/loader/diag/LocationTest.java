package org.modload.loader.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Names from the file are shown printable, so that every message stays one line. */
class LocationTest {

    /** Jazzer (LoaderFuzzTest.parseElf, crash-69ad1876...): a section name with a newline split the message. */
    @Test
    void controlCharactersInASectionNameAreEscaped() {
        Location l = Location.ofSection("fuzz.o", 2, " %d\n");
        assertEquals("fuzz.o: section header 2 ( %d\\x0a)", l.headerForm());
        assertEquals("fuzz.o:(.te\\x09xt+0x10)", Location.ofPlace("fuzz.o", 1, ".te\txt", 0x10).placeForm());
        assertEquals(".text", Location.printable(".text"));
        assertEquals("\\x7f\\x00", Location.printable("\u007f\u0000"));
    }
}
