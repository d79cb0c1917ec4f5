package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code modload modprobe} prints what kmod 30's {@code modprobe} prints, with the same
 * standard error and exit status, wherever kmod runs without root: {@code --show-depends},
 * {@code -n} with and without {@code -v}, {@code -r -n}, {@code -R}, lookups that fail. The tree is
 * {@link ModprobeTree} (indexes by kmod's depmod); the configuration, written here, has aliases
 * (plain and patterns), options for names and for aliases, softdeps, a blacklist, install and
 * remove commands, lines libkmod rejects, a {@code .alias} file, files libkmod skips, a second
 * directory whose file of the same name is shadowed, a continued line, and a single file. Each
 * case is {@code -d BASE -S 9.9.9} and the case's words (separated by {@code |}). Nothing expected
 * is stored: kmod runs at test time.
 *
 * <p>kmod's debug build (Debian's) prefixes libkmod's own messages with the source location
 * ({@code libkmod: ERROR ../libkmod/libkmod-config.c:712 kmod_config_parse: ...}); the release
 * build, which modload follows, prints {@code libkmod: kmod_config_parse: ...}. That prefix is
 * removed from kmod's standard error before the comparison, nothing else. kmod also reads
 * {@code MODULE.PARAM=} options from the host's {@code /proc/cmdline}; no module here is named
 * there.
 */
class ModprobeAgreementTest {
    @TempDir
    static Path tmp;
    static Path base;

    @BeforeAll
    static void tree() throws IOException {
        base = tmp.resolve("base");
        ModprobeTree.build(base);
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Files.writeString(conf.resolve("a.conf"), String.join("\n",
                "# comment",
                "alias my-alias demo_leaf",
                "alias my-glob-* hello",
                "options demo_leaf foo=1 bar=2",
                "options demo-core x=y",
                "options demo_core\tmore=1\tand=2",
                "options net-pf-99 via=alias",
                "softdep demo_leaf pre: efi-pstore post: nosuch crc32c",
                "blacklist efi_pstore",
                "install inst-mod /bin/true",
                "remove rem-mod /bin/false",
                "alias blk-alias efi-pstore",
                "bogus line",
                "options",
                "alias only-one",
                "  # not a comment",
                "include /etc/other.conf",
                "alias bad]alias hello",
                ""));
        Files.writeString(conf.resolve("b.alias"), "alias other-alias demo_core\n");
        Files.writeString(conf.resolve("ignored.txt"), "alias ignored hello\n");
        Files.writeString(conf.resolve(".hidden.conf"), "alias hidden hello\n");
        Path conf2 = Files.createDirectories(tmp.resolve("conf2"));
        Files.writeString(conf2.resolve("a.conf"), "alias shadowed hello\n");
        Files.writeString(conf2.resolve("c.conf"), "options hello from=conf2 \\\n more=1\nsoftdep demo_core post: hello\n");
        Files.writeString(tmp.resolve("conf3.txt"), "softdep hello post: demo_leaf\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "C1|--show-depends|demo_leaf", "C1|-n|-v|demo_leaf", "C1|-n|demo_leaf", "C1|-n|-v|demo_leaf|a=1|b=x y|c='q r'",
        "C1|--show-depends|hello", "C1|--show-depends|net-pf-99", "C1|--show-depends|char-major-99-5",
        "C1|--show-depends|demo_user", "C1|--show-depends|demo-user|p=1", "C1|--show-depends|my-alias",
        "C1|--show-depends|my-glob-x", "C1|--show-depends|other-alias", "C1|--show-depends|ignored",
        "C1|--show-depends|hidden", "C1|--show-depends|unix", "C1|--show-depends|net-pf-1",
        "C1|--show-depends|crypto-crc32c", "C1|--show-depends|zswap", "C1|-n|-v|unix", "C1|-n|-v|net-pf-1-proto-0",
        "C1|--show-depends|platform:efivars", "C1|--show-depends|efi-pstore", "C1|-b|--show-depends|efi-pstore",
        "C1|--show-depends|blk-alias", "C1|--show-depends|inst-mod", "C1|-n|-v|inst-mod", "C1|-n|-v|-r|rem-mod",
        "C1|-n|-v|-r|demo_leaf", "C1|-r|--first-time|-n|hello", "C1|-r|-n|unix", "C1|-r|nosuch", "C1|-r|-q|nosuch",
        "C1|-r|-a|-n|nosuch|hello", "C1|nosuch", "C1|-q|nosuch", "C1|-a|--show-depends|hello|nosuch|demo_user",
        "C1|-a|-q|--show-depends|nosuch|hello", "C1|-R|char-major-99-1", "C1|-R|net-pf-1", "C1|-R|my-glob-zz",
        "C1|-i|--show-depends|hello", "C1|-i|--show-depends|demo_leaf", "C1|--show-depends|symbol:demo_register",
        "C1|--show-depends|bad[alias", "C1|--first-time|-n|-v|hello", "C1|--first-time|--show-depends|unix",
        "C1|-n|--first-time|unix", "C1|-n|-v|demo_user", "C1|--show-depends|nosuch|x=1",
        "C2|--show-depends|shadowed", "C2|--show-depends|hello", "C2|--show-depends|demo_leaf", "C2|-n|-v|my-alias",
        "C3|--show-depends|hello", "C3|-n|-v|net-pf-99", "NONE|--show-depends|hello", "NONE|-n|-v|demo_leaf"})
    void printsWhatKmodPrints(String line) {
        List<String> words = List.of(line.split("\\|"));
        List<String> args = new ArrayList<>(List.of("-d", base.toString(), "-S", ModprobeTree.RELEASE));
        switch (words.get(0)) {
            case "C1" -> args.addAll(List.of("-C", tmp.resolve("conf").toString()));
            case "C2" -> args.addAll(List.of("-C", tmp.resolve("conf").toString(), "-C", tmp.resolve("conf2").toString()));
            case "C3" -> args.addAll(List.of("-C", tmp.resolve("conf3.txt").toString()));
            default -> args.addAll(List.of("-C", tmp.resolve("no-such-config").toString()));
        }
        args.addAll(words.subList(1, words.size()));
        KmodTools.Run kmod = releaseBuild(KmodTools.kmod("modprobe", args));
        assertEquals(kmod, KmodTools.modload("modprobe", args), String.join(" ", args));
    }

    /** kmod's output as its release build prints it: without the debug build's source locations. */
    static KmodTools.Run releaseBuild(KmodTools.Run r) {
        return new KmodTools.Run(r.status(), r.out(), r.err().replaceAll("(?m)^libkmod: [A-Z]+ \\S+:\\d+ ", "libkmod: "));
    }
}
