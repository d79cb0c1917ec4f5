package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 17, Must show 2: every shell transcript of the README runs here through
 * {@code modload shell} and must print exactly what the README shows. A transcript is the
 * {@code console} block after a {@code <!-- SHELL-TRANSCRIPT -->} line: {@code $ s=DIR}, then
 * {@code $ java -jar kernel-sim/target/modload.jar shell ARGS 2>&1 <<'EOF'}, the script up to
 * {@code EOF}, then the output. The README's commands run from the repository root; this test
 * runs in kernel-sim, so {@code $s} becomes {@code ../DIR}. Standard output and standard error
 * go to one stream, as {@code 2>&1} has them.
 */
class ReadmeTranscriptTest {
    private static final Path README = Path.of("..", "README.md");
    private static final String MARK = "<!-- SHELL-TRANSCRIPT -->";
    private static final Pattern DIR = Pattern.compile("\\$ s=(\\S+)");
    private static final Pattern RUN = Pattern.compile("\\$ java -jar kernel-sim/target/modload\\.jar shell (.+) 2>&1 <<'EOF'");

    /** One transcript: where it starts in the README, the shell's arguments, its input, its output. */
    record Transcript(int line, List<String> args, String input, String output) {
        @Override
        public String toString() {
            return "README line " + line + ": shell " + String.join(" ", args);
        }
    }

    static List<Transcript> transcripts() throws IOException {
        List<String> lines = Files.readAllLines(README);
        List<Transcript> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).equals(MARK)) {
                continue;
            }
            int at = i + 1;
            assertEquals("```console", lines.get(at), "README line " + (at + 1));
            Matcher dir = DIR.matcher(lines.get(at + 1));
            Matcher run = RUN.matcher(lines.get(at + 2));
            assertTrue(dir.matches(), "README line " + (at + 2) + ": " + lines.get(at + 1));
            assertTrue(run.matches(), "README line " + (at + 3) + ": " + lines.get(at + 2));
            List<String> args = new ArrayList<>(List.of("shell"));
            for (String a : run.group(1).split(" ")) {
                args.add(a.equals("$s") ? "../" + dir.group(1) : a);
            }
            int j = at + 3;
            StringBuilder input = new StringBuilder();
            for (; !lines.get(j).equals("EOF"); j++) {
                input.append(lines.get(j)).append('\n');
            }
            StringBuilder output = new StringBuilder();
            for (j++; !lines.get(j).equals("```"); j++) {
                output.append(lines.get(j)).append('\n');
            }
            out.add(new Transcript(i + 1, args, input.toString(), output.toString()));
            i = j;
        }
        return out;
    }

    @Test
    void theReadmeShowsEachPolicyBesideTheDefault() throws IOException {
        List<String> runs = transcripts().stream().map(t -> String.join(" ", t.args().subList(4, t.args().size()))).toList();
        assertEquals(List.of("--load-policy legacy-2.4", "--load-policy linux", "--unload-policy exit-may-fail",
                "--unload-policy linux"), runs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transcripts")
    void printsWhatTheReadmeShows(Transcript t) {
        StringWriter both = new StringWriter();
        PrintWriter w = new PrintWriter(both, true);
        Main.run(t.args().toArray(String[]::new), w, w, new ByteArrayInputStream(t.input().getBytes(StandardCharsets.UTF_8)));
        assertEquals(t.output(), both.toString(), t + " prints something else; the README must show what it prints");
    }
}
