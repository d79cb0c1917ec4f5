package org.modload.kernel.depmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.cli.Main;
import org.modload.kernel.Corpora;
import org.modload.loader.testing.ExternalTools;

/**
 * {@code modload depmod} agrees with kmod's depmod on the whole of each Debian module tree:
 * every modules.dep line, in order, and the unknown-symbol warnings of {@code -e}. The oracle is
 * {@code depmod -n -e -E ROOT/usr/src/linux-headers-VERSION/Module.symvers -b ROOT VERSION}, whose
 * standard output starts with modules.dep. Run with {@code mvn test -Pcorpus -Dmodload.corpus=DIR};
 * prints {@code depmod agreement: amd64 N/N lines, 686 M/M lines}.
 */
@Tag("corpus")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DepmodCorpusTest {
    private static final int SHOWN_DIFFERENCES = 10;

    /** Flavour to "agreeing/compared lines", in run order, for the summary line. */
    private final Map<String, String> summary = new LinkedHashMap<>();
    private long ourNanos;
    private long kmodNanos;

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "686", "trixie-amd64"})
    void wholeTreeAgreesWithKmod(String flavour, @TempDir Path tmp) throws IOException {
        summary.put(flavour, "skipped");
        Path corpus = ExternalTools.corpus(flavour);
        Path root = corpus.resolve("root");
        String version = Corpora.version(corpus);
        Path symvers = Corpora.symvers(corpus);
        Path vmlinuz = root.resolve("boot/vmlinuz-" + version);
        assertTrue(Files.isRegularFile(symvers), "no " + symvers);
        // Ours reads the tree as given on the command line: Debian 12's lib/modules/VERSION, Debian
        // 13's unpacked root (whose usr/lib/modules holds it). kmod 30 reads BASE/lib/modules/VERSION:
        // Debian 13's root is handed to it as a merged-/usr system has it, lib a link to usr/lib.
        Path dir;
        Path kmodRoot;
        if (Files.isDirectory(root.resolve("lib/modules"))) {
            dir = root.resolve("lib/modules/" + version);
            kmodRoot = root;
        } else {
            dir = root;
            kmodRoot = Files.createDirectories(tmp.resolve("merged"));
            Files.createSymbolicLink(kmodRoot.resolve("lib"), root.resolve("usr/lib"));
        }
        Path kmodDir = kmodRoot.resolve("lib/modules/" + version);
        try {
            compare(flavour, corpus, version, symvers, vmlinuz, dir, kmodRoot, kmodDir);
        } finally {
            // The link points outside the temporary directory; leave its target alone.
            Files.deleteIfExists(tmp.resolve("merged/lib"));
        }
    }

    private void compare(String flavour, Path corpus, String version, Path symvers, Path vmlinuz, Path dir,
            Path kmodRoot, Path kmodDir) throws IOException {

        long start = System.nanoTime();
        KmodDepmod.Run kmod = KmodDepmod.run(kmodRoot, version, List.of("-e", "-E", symvers.toString()));
        kmodNanos += System.nanoTime() - start;
        assertEquals(0, kmod.status(), "depmod failed: " + kmod.stderr());
        List<String> expected = kmod.modulesDep();

        List<String> args = new ArrayList<>(List.of("depmod", "--tree", dir.toString(), "--symvers", symvers.toString(), "-e"));
        if (Files.isRegularFile(vmlinuz)) {
            args.addAll(List.of("--kernel-image", vmlinuz.toString()));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        start = System.nanoTime();
        int status = Main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        ourNanos += System.nanoTime() - start;
        assertEquals(0, status, err.toString());
        List<String> ours = out.toString().lines().toList();

        int total = Math.max(expected.size(), ours.size());
        List<String> differences = new ArrayList<>();
        int agreeing = 0;
        for (int i = 0; i < total; i++) {
            String k = i < expected.size() ? expected.get(i) : "(none)";
            String o = i < ours.size() ? ours.get(i) : "(none)";
            if (k.equals(o)) {
                agreeing++;
            } else {
                differences.add("line " + (i + 1) + ":\n      kmod:    " + k + "\n      modload: " + o);
            }
        }
        summary.put(flavour, agreeing + "/" + total);
        assertTrue(total > 1000, flavour + ": only " + total + " modules.dep lines");
        if (!differences.isEmpty()) {
            StringBuilder msg = new StringBuilder(flavour + ": " + differences.size() + " of " + total
                    + " modules.dep lines disagree with kmod; first ones:");
            differences.stream().limit(SHOWN_DIFFERENCES).forEach(d -> msg.append("\n  ").append(d));
            fail(msg.toString());
        }
        // Each names the module by its path: kmod's under its BASE, ours under the tree as resolved.
        Path ourDir = Corpora.moduleDirectory(corpus);
        assertEquals(warnings(kmod.stderr(), "depmod: WARNING: ", kmodDir), warnings(err.toString(),
                "modload: warning: ", ourDir), flavour + ": unknown-symbol warnings differ");
    }

    /** The unknown-symbol warnings without their prefix, module paths relative to {@code dir}, in order. */
    private static List<String> warnings(String stderr, String prefix, Path dir) {
        String under = dir + "/";
        return stderr.lines().filter(l -> l.startsWith(prefix) && l.contains(" needs unknown symbol "))
                .map(l -> l.substring(prefix.length())).map(l -> l.startsWith(under) ? l.substring(under.length()) : l)
                .toList();
    }

    @AfterAll
    void printSummary() {
        StringBuilder line = new StringBuilder("depmod agreement:");
        String sep = " ";
        for (Map.Entry<String, String> e : summary.entrySet()) {
            line.append(sep).append(e.getKey()).append(' ').append(e.getValue()).append(" lines");
            sep = ", ";
        }
        System.out.println(line);
        System.out.printf("depmod agreement: modload %.1f s, kmod %.1f s%n", ourNanos / 1e9, kmodNanos / 1e9);
    }
}
