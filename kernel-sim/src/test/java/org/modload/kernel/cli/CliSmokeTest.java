package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.junit.jupiter.api.Test;

class CliSmokeTest {

    @Test
    void archsListsTheThreeArchitectures() {
        StringWriter out = new StringWriter();
        int status = Main.run(new String[] {"archs"}, new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertEquals(0, status);
        List<String> machines = out.toString().lines().map(l -> l.split("\t")[0]).toList();
        assertEquals(List.of("EM_386", "EM_IA_64", "EM_X86_64"), machines);
    }
}
