package org.modload.kernel.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;

/** The README's library snippet is this module's {@link ReadmeExample}, compiled and run here. */
class ReadmeExampleTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Path SOURCE = Path.of("src/test/java/org/modload/kernel/readme/ReadmeExample.java");
    private static final Path HELLO = Path.of("src/main/resources/org/modload/kernel/samples/x86_64/hello.ko");

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
        List<String> code = between(Files.readAllLines(SOURCE), "README-BEGIN", "README-END");
        List<String> readme = between(Files.readAllLines(README), "<!-- README-BEGIN -->", "<!-- README-END -->");
        List<String> shown = readme.stream().filter(l -> !l.startsWith("```")).collect(Collectors.toList());
        assertEquals(code, shown);
    }

    @Test
    void theExampleLinksTheHelloSample() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LoadedImage image = ReadmeExample.run(HELLO, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        // The call to _printk in .init.text: e8 <PC32>; readelf -r hello.ko: offset 0xe, PLT32, _printk - 4.
        PlacedSection init = image.plan().placed().stream().filter(p -> p.name().equals(".init.text"))
                .findFirst().orElseThrow();
        assertTrue(out.contains(String.format(".init.text       0x%x INIT", init.address())), out);
        assertTrue(init.address() > image.plan().coreBase(), "init follows core");
        ByteBuffer text = image.bytes(init).order(ByteOrder.LITTLE_ENDIAN);
        int rel = text.getInt(0xe);
        assertEquals(0xffffffff81100000L - 4 - (init.address() + 0xe), rel);
    }
}
