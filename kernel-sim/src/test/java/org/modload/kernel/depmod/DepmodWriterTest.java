package org.modload.kernel.depmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** depmod's files go in through temporary files: a failure part way leaves the directory as it was. */
class DepmodWriterTest {

    @TempDir
    Path dir;

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName() + "=" + read(p)).sorted().toList();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "?";
        }
    }

    private static DepmodFiles.File file(String name, String text) {
        return new DepmodFiles.File(name, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void writesEveryFileAndLeavesNoTemporaryFile() throws IOException {
        Files.writeString(dir.resolve("modules.dep"), "old\n");
        DepmodWriter.write(dir, List.of(file("modules.dep", "new\n"), file("modules.alias", "# a\n")));
        assertEquals(List.of("modules.alias=# a\n", "modules.dep=new\n"), listing());
    }

    @Test
    void aFileThatCannotBeCreatedLeavesTheOldFiles() throws IOException {
        Files.writeString(dir.resolve("modules.dep"), "old\n");
        List<String> before = listing();
        // The third cannot be created (its directory does not exist): the first two were written already.
        assertThrows(IOException.class, () -> DepmodWriter.write(dir, List.of(file("modules.dep", "new\n"),
                file("modules.alias", "# a\n"), file("no/such/modules.softdep", "# s\n"))));
        assertEquals(before, listing());
    }
}
