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
 * {@code modload modinfo} with every kmod 30 option agrees with kmod's {@code modinfo} on each
 * Debian tree, for a fixed random set (seed 14) of modules by name, aliases from
 * {@code modules.alias} and built-in modules from {@code modules.builtin}: standard output,
 * standard error and exit status. kmod's {@code depmod -b} first writes the indexes into a copy
 * of the tree's directory whose {@code kernel/} is a link to the corpus's. Prints
 * {@code modinfo options agreement: FLAVOUR N/M runs}.
 */
@Tag("corpus")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModinfoOptionsCorpusTest {
    private static final int MODULES = 60;
    private static final int ALIASES = 40;
    private static final int BUILTINS = 20;
    private static final List<List<String>> OPTIONS = List.of(List.of(), List.of("-F", "license"), List.of("-p"),
            List.of("-a"), List.of("-d"), List.of("-l"), List.of("-n"), List.of("-0"), List.of("-F", "alias"),
            List.of("-F", "depends"), List.of("-F", "signer"), List.of("-m"), List.of("-p", "-0"));
    private static final String RELEASE = "9.9.9-corpus";

    private final Map<String, String> summary = new LinkedHashMap<>();

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "686", "trixie-amd64"})
    void everyOptionAgreesWithKmod(String flavour) throws IOException {
        summary.put(flavour, "skipped");
        KmodTools.tool("modinfo");
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
        List<String> names = new ArrayList<>(Corpora.modules(corpus).stream()
                .map(p -> ModuleInfo.fileModuleName(p.getFileName().toString())).toList());
        Collections.shuffle(names, random);
        List<String> aliases = new ArrayList<>(Files.readAllLines(dir.resolve("modules.alias")).stream()
                .filter(l -> l.startsWith("alias ")).map(l -> l.split(" ")[1]).toList());
        Collections.shuffle(aliases, random);
        List<String> builtins = new ArrayList<>(Files.readAllLines(dir.resolve("modules.builtin")).stream()
                .map(ModuleInfo::fileModuleName).toList());
        Collections.shuffle(builtins, random);

        List<List<String>> runs = new ArrayList<>();
        for (String name : names.subList(0, Math.min(MODULES, names.size()))) {
            OPTIONS.forEach(o -> runs.add(with(o, name)));
        }
        aliases.subList(0, Math.min(ALIASES, aliases.size())).forEach(a -> runs.add(with(List.of(), a)));
        for (String b : builtins.subList(0, Math.min(BUILTINS, builtins.size()))) {
            runs.add(with(List.of(), b));
            runs.add(with(List.of("-F", "name", "-0"), b));
        }
        List<String> differences = new ArrayList<>();
        for (List<String> run : runs) {
            List<String> args = new ArrayList<>(List.of("-b", base.toString(), "-k", RELEASE));
            args.addAll(run);
            KmodTools.Run kmod = KmodTools.kmod("modinfo", args);
            KmodTools.Run ours = KmodTools.modload("modinfo", args);
            if (!kmod.equals(ours)) {
                differences.add(String.join(" ", run) + ":\n      kmod:    " + kmod + "\n      modload: " + ours);
            }
        }
        summary.put(flavour, (runs.size() - differences.size()) + "/" + runs.size() + " runs");
        if (!differences.isEmpty()) {
            fail(flavour + ": " + differences.size() + " of " + runs.size() + " modinfo runs disagree; first ones:\n    "
                    + String.join("\n    ", differences.subList(0, Math.min(5, differences.size()))));
        }
    }

    private static List<String> with(List<String> options, String module) {
        List<String> all = new ArrayList<>(options);
        all.add(module);
        return all;
    }

    @AfterAll
    void printSummary() {
        System.out.println("modinfo options agreement: " + summary);
    }
}
