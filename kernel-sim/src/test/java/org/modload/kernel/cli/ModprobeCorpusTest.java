package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.Corpora;
import org.modload.kernel.modinfo.ModuleInfo;
import org.modload.loader.testing.ExternalTools;

/**
 * {@code modload modprobe} agrees with kmod 30's {@code modprobe} on each Debian tree, for a
 * fixed random set (seed 14): {@code --show-depends} and {@code -n -v} of module names,
 * {@code --show-depends} and {@code -R} of aliases from {@code modules.alias}, {@code symbol:}
 * names from {@code modules.symbols}, built-ins, the modules with soft dependencies
 * ({@code modules.softdep}), {@code -r -n -v}, and names that do not exist; with a configuration
 * written here from the same random picks ({@code options}, {@code alias}, {@code softdep},
 * {@code blacklist} of aliased modules). Standard output, standard error and exit status are
 * compared. kmod's {@code depmod -b} first writes the indexes into a directory whose
 * {@code kernel/} is a link to the corpus's. kmod's {@code -n} asks the host's
 * {@code /sys/module} what is loaded or built in; the simulated kernel has nothing loaded, so a
 * {@code -n} run is compared only when no module kmod would insert is in the host's
 * {@code /sys/module} (the others are counted as not comparable). Prints
 * {@code modprobe agreement: FLAVOUR N/M runs (K not comparable)}.
 */
@Tag("corpus")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModprobeCorpusTest {
    private static final int MODULES = 60;
    private static final int ALIASES = 40;
    private static final int SYMBOLS = 20;
    private static final int BUILTINS = 20;
    private static final int SOFTDEPS = 20;
    private static final String RELEASE = "9.9.9-corpus";

    private final Map<String, String> summary = new LinkedHashMap<>();

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "686", "trixie-amd64"})
    void modprobeAgreesWithKmod(String flavour) throws IOException {
        summary.put(flavour, "skipped");
        KmodTools.tool("modprobe");
        Path corpus = ExternalTools.corpus(flavour);
        Path source = Corpora.moduleDirectory(corpus);
        Path base = tmp.resolve(flavour);
        Path dir = Files.createDirectories(base.resolve("lib/modules/" + RELEASE));
        Files.createSymbolicLink(dir.resolve("kernel"), source.resolve("kernel"));
        for (String f : List.of("modules.order", "modules.builtin", "modules.builtin.modinfo")) {
            if (Files.exists(source.resolve(f))) {
                Files.copy(source.resolve(f), dir.resolve(f));
            }
        }
        KmodTools.Run depmod = KmodTools.kmod("depmod", List.of("-b", base.toString(), RELEASE));
        assertEquals(0, depmod.status(), depmod.err());

        Random random = new Random(14);
        List<String> names = shuffled(Corpora.modules(corpus).stream()
                .map(p -> ModuleInfo.fileModuleName(p.getFileName().toString())).toList(), random);
        List<String[]> aliasLines = Files.readAllLines(dir.resolve("modules.alias")).stream()
                .filter(l -> l.startsWith("alias ")).map(l -> l.split(" ")).toList();
        List<String> aliases = shuffled(aliasLines.stream().map(a -> a[1]).toList(), random);
        List<String> symbols = shuffled(Files.readAllLines(dir.resolve("modules.symbols")).stream()
                .filter(l -> l.startsWith("alias ")).map(l -> l.split(" ")[1]).toList(), random);
        List<String> builtins = shuffled(Files.exists(dir.resolve("modules.builtin"))
                ? Files.readAllLines(dir.resolve("modules.builtin")).stream().map(ModuleInfo::fileModuleName).toList()
                : List.of(), random);
        List<String> softdeps = shuffled(Files.readAllLines(dir.resolve("modules.softdep")).stream()
                .filter(l -> l.startsWith("softdep ")).map(l -> l.split(" ")[1]).toList(), random);

        Path conf = Files.createDirectories(tmp.resolve(flavour + "-modprobe.d"));
        StringBuilder c = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            c.append("options ").append(names.get(i)).append(" p").append(i).append("=").append(i).append('\n');
            c.append("alias cfg-alias-").append(i).append(' ').append(names.get(MODULES - 1 - i)).append('\n');
        }
        for (int i = 0; i < 5; i++) {
            c.append("softdep ").append(names.get(10 + i)).append(" pre: ").append(names.get(20 + i))
                    .append(" post: ").append(aliases.get(i)).append('\n');
            String wanted = aliases.get(ALIASES - 1 - i);
            String aliased = aliasLines.stream().filter(a -> a[1].equals(wanted)).findFirst()
                    .orElseThrow()[2];
            c.append("blacklist ").append(aliased).append('\n');
        }
        Files.writeString(conf.resolve("corpus.conf"), c);

        List<List<String>> runs = new ArrayList<>();
        for (String n : names.subList(0, Math.min(MODULES, names.size()))) {
            runs.add(List.of("--show-depends", n));
            runs.add(List.of("-n", "-v", n, "x=1"));
        }
        for (int i = 0; i < 10; i++) {
            runs.add(List.of("--show-depends", "cfg-alias-" + i));
            runs.add(List.of("-r", "-n", "-v", names.get(i)));
        }
        for (String a : aliases.subList(0, Math.min(ALIASES, aliases.size()))) {
            runs.add(List.of("--show-depends", a));
            runs.add(List.of("-R", a));
        }
        symbols.subList(0, Math.min(SYMBOLS, symbols.size())).forEach(s -> runs.add(List.of("--show-depends", s)));
        builtins.subList(0, Math.min(BUILTINS, builtins.size())).forEach(b -> runs.add(List.of("--show-depends", b)));
        softdeps.subList(0, Math.min(SOFTDEPS, softdeps.size())).forEach(s -> runs.add(List.of("--show-depends", s)));
        runs.add(List.of("--show-depends", "no-such-module"));
        runs.add(List.of("-a", "--show-depends", names.get(0), "no-such-module", names.get(1)));

        Set<String> hostModules;
        try (Stream<Path> s = Files.list(Path.of("/sys/module"))) {
            hostModules = s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            hostModules = Set.of();
        }
        List<String> differences = new ArrayList<>();
        int compared = 0;
        int notComparable = 0;
        for (List<String> run : runs) {
            List<String> args = new ArrayList<>(List.of("-d", base.toString(), "-S", RELEASE, "-C", conf.toString()));
            args.addAll(run);
            KmodTools.Run kmod = ModprobeAgreementTest.releaseBuild(KmodTools.kmod("modprobe", args));
            if (run.contains("-n") && touchesHost(args, hostModules)) {
                notComparable++;
                continue;
            }
            compared++;
            KmodTools.Run ours = KmodTools.modload("modprobe", args);
            if (!kmod.equals(ours)) {
                differences.add(String.join(" ", run) + ":\n      kmod:    " + kmod + "\n      modload: " + ours);
            }
        }
        summary.put(flavour, (compared - differences.size()) + "/" + compared + " runs (" + notComparable
                + " -n runs not comparable: host /sys/module)");
        if (!differences.isEmpty()) {
            fail(flavour + ": " + differences.size() + " of " + compared + " modprobe runs disagree; first ones:\n    "
                    + String.join("\n    ", differences.subList(0, Math.min(5, differences.size()))));
        }
    }

    /** Whether a module kmod would insert (its --show-depends list) is one the host kernel has. */
    private static boolean touchesHost(List<String> args, Set<String> host) {
        List<String> show = new ArrayList<>(args);
        show.remove("-n");
        show.remove("-v");
        show.remove("-r");
        show.add(6, "--show-depends");
        KmodTools.Run r = KmodTools.kmod("modprobe", show);
        return r.out().lines().map(l -> l.split(" ")).filter(w -> w.length > 1)
                .map(w -> ModuleInfo.fileModuleName(w[1].substring(w[1].lastIndexOf('/') + 1)).replace('-', '_'))
                .anyMatch(host::contains)
                || host.contains(args.get(args.size() - (args.get(args.size() - 1).contains("=") ? 2 : 1)).replace('-', '_'));
    }

    private static List<String> shuffled(List<String> list, Random random) {
        List<String> out = new ArrayList<>(list);
        Collections.shuffle(out, random);
        return out;
    }

    @AfterAll
    void printSummary() {
        System.out.println("modprobe agreement: " + summary);
    }
}
