package org.modload.arch.x86_64.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.loader.testing.exec.Abi;
import org.modload.loader.testing.exec.Command;
import org.modload.loader.testing.exec.Gcc;
import org.modload.loader.testing.exec.LinkedImage;
import org.modload.loader.testing.exec.ObjectFiles;
import org.modload.loader.testing.exec.ProgramOutput;
import org.modload.loader.testing.exec.ReservedRegion;
import org.modload.loader.testing.exec.RunImage;
import org.modload.loader.testing.exec.TestProgram;
import org.modload.loader.testing.exec.Variant;

/**
 * The README's JIT-style snippet is {@link JitExample}, shown verbatim, and it works: gcc's
 * default (PIE) objects of a two-file program, linked by the snippet far from libc and mapped by
 * runimage at those addresses, print what the normally built program prints.
 */
class JitExampleTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Path SOURCE = Path.of("src/test/java/org/modload/arch/x86_64/readme/JitExample.java");

    @TempDir
    Path work;

    private static List<String> between(List<String> lines, String begin, String end) {
        int b = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(begin)) {
                b = i;
            } else if (lines.get(i).contains(end) && b >= 0) {
                return lines.subList(b + 1, i).stream().map(String::strip).collect(Collectors.toList());
            }
        }
        throw new AssertionError("markers " + begin + " / " + end + " not found");
    }

    @Test
    void readmeShowsTheCompiledExample() throws IOException {
        List<String> code = between(Files.readAllLines(SOURCE), "README-JIT-BEGIN", "README-JIT-END");
        List<String> shown = between(Files.readAllLines(README), "<!-- README-JIT-BEGIN -->", "<!-- README-JIT-END -->")
                .stream().filter(l -> !l.startsWith("```")).collect(Collectors.toList());
        assertEquals(code, shown);
    }

    @Test
    void theSnippetLinksGccObjectsThatRun() throws IOException {
        Gcc gcc = Gcc.forAbi(Abi.X86_64, work);
        TestProgram split = TestProgram.all().stream().filter(p -> p.name().equals("split")).findFirst().orElseThrow();
        Variant pie = Variant.of("-O2", "-fPIE");
        List<Path> objects = gcc.compile(split, pie, work);
        Command normal = Command.run(List.of(gcc.executable(objects, pie, work.resolve("split")).toString()), work);
        ProgramOutput expected = new ProgramOutput(normal.stdout(), normal.stderr(), normal.status());
        RunImage runImage = RunImage.build(gcc, work);
        try (RunImage.Session session = runImage.start(work)) {
            Map<String, Long> libc = new HashMap<>();
            session.resolve(ObjectFiles.read(objects).externalNames())
                    .forEach((n, a) -> a.ifPresent(v -> libc.put(n, v)));
            ReservedRegion far = session.regions().stream().filter(r -> r.name().equals("far")).findFirst().orElseThrow();
            List<LinkedImage.Piece> pieces = new ArrayList<>();
            long entry = JitExample.link(objects, far.base(), libc, (address, bytes) -> {
                byte[] b = new byte[bytes.remaining()];
                bytes.duplicate().get(b);
                pieces.add(new LinkedImage.Piece("piece", address, b, LinkedImage.Protection.of(true, true)));
            });
            RunImage.Execution run = session.run(new LinkedImage(pieces, entry, Map.of()), work.resolve("image"));
            assertTrue(run.started(), run.loaderError());
            assertEquals(expected, run.output());
        }
    }
}
