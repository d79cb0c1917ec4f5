package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modload modprobe} really loading into the simulated kernel, on {@link ModprobeTree}:
 * the modules loaded, and their order, are those kmod 30's own {@code modprobe --show-depends}
 * lists for the same name, tree and configuration (run here: it needs no root); removal
 * ({@code -r}) follows {@code rmmod_do_module} of kmod 30's {@code tools/modprobe.c}, whose
 * steps each expectation names; exit statuses and messages are kmod's.
 */
class ModprobeLoadTest {
    @TempDir
    static Path tmp;
    static Path base;
    static Path dir;
    static Path conf;

    @BeforeAll
    static void tree() throws IOException {
        base = tmp.resolve("base");
        dir = ModprobeTree.build(base);
        conf = Files.createDirectories(tmp.resolve("conf"));
        Files.writeString(conf.resolve("sim.conf"), "alias my-leaf demo_leaf\nsoftdep demo_leaf post: efi-pstore\n"
                + "options demo_leaf answer=42\ninstall inst-mod /bin/true\nremove demo_core /sbin/rmmod demo_core\n");
        Files.writeString(tmp.resolve("empty.conf"), "");
    }

    private static List<String> args(String config, String... rest) {
        List<String> a = new ArrayList<>(List.of("-d", base.toString(), "-S", ModprobeTree.RELEASE, "-C", config));
        a.addAll(List.of(rest));
        return a;
    }

    private static String ko(String name) {
        try (var files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().equals(name + ".ko")).findFirst().orElseThrow().toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The modules kmod's --show-depends lists, in order (a module listed twice is loaded once, the first time). */
    private static List<String> kmodOrder(String config, String name) {
        KmodTools.Run r = KmodTools.kmod("modprobe", args(config, "--show-depends", name));
        assertEquals(0, r.status(), r.err());
        return r.out().lines().map(l -> l.split(" ")[1]).map(p -> p.substring(p.lastIndexOf('/') + 1, p.indexOf(".ko")))
                .map(n -> n.replace('-', '_')).toList();
    }

    private static List<String> distinct(List<String> names) {
        return names.stream().distinct().toList();
    }

    /** Load order from the lsmod table --lsmod printed (lsmod lists the newest first). */
    private static List<String> loaded(KmodTools.Run r) {
        List<String> names = new ArrayList<>(r.out().lines().dropWhile(l -> !l.startsWith("Module ")).skip(1)
                .map(l -> l.split("\\s+")[0]).toList());
        java.util.Collections.reverse(names);
        return names;
    }

    private static KmodTools.Run modprobe(List<String> a) {
        List<String> all = new ArrayList<>(a);
        all.add(0, "--lsmod");
        return KmodTools.modload("modprobe", all);
    }

    @Test
    void anAliasLoadsDependenciesAndSoftdepsInKmodsOrder() {
        String empty = tmp.resolve("empty.conf").toString();
        for (String name : List.of("net-pf-99", "char-major-99-7", "demo_leaf", "hello", "demo-user")) {
            KmodTools.Run r = modprobe(args(empty, name));
            assertEquals(0, r.status(), name + ": " + r.err());
            assertEquals("", r.err(), name);
            assertEquals(distinct(kmodOrder(empty, name)), loaded(r), name);
        }
        assertEquals(List.of("demo_core", "hello"), kmodOrder(empty, "net-pf-99"), "hello's own softdep pre: demo_core");
    }

    @Test
    void theConfigurationsAliasSoftdepAndOptionsAreUsedAndVerboseShowsWhatKmodWouldDo() {
        String c = conf.toString();
        KmodTools.Run shown = KmodTools.kmod("modprobe", args(c, "--show-depends", "my-leaf"));
        KmodTools.Run r = modprobe(args(c, "-v", "my-leaf"));
        assertAll(
                () -> assertEquals(0, r.status(), r.err()),
                // efi_pstore is an i686 module: the x86_64 kernel refuses it, and kmod ignores a
                // soft dependency's failure (err reset when !m->required), silently
                () -> assertEquals(List.of("demo_core", "demo_user", "hello", "demo_leaf"), loaded(r)),
                () -> assertEquals(List.of("demo_core", "demo_user", "demo_core", "hello", "demo_leaf", "efi_pstore"),
                        kmodOrder(c, "my-leaf"), "kmod lists demo_core twice; the second is loaded already"),
                // -v prints each insmod kmod does: --show-depends' lines, less the second demo_core,
                // which is loaded by then (module_is_inkernel is checked before print_action)
                () -> assertEquals(String.join("", shown.out().lines().distinct().map(l -> l + "\n").toList()),
                        r.out().substring(0, r.out().indexOf("Module "))));
    }

    @Test
    void anInstallCommandIsRefusedInOneLine() {
        KmodTools.Run r = modprobe(args(conf.toString(), "inst-mod"));
        assertEquals(1, r.status());
        assertEquals("modprobe: ERROR: could not insert 'inst_mod': install command not run (the simulation runs no"
                + " commands): /bin/true\n", r.err());
    }

    @Test
    void removeTakesUnusedDependenciesAlongAsKmod30Does() {
        String empty = tmp.resolve("empty.conf").toString();
        // rmmod_do_module(demo_leaf): no softdeps, refcnt 0, removed; step 4 walks its modules.dep
        // list last first (demo_core, then demo_user) and removes those whose refcnt is 0 at that
        // moment: demo_core is still held by demo_user, so only demo_user goes.
        KmodTools.Run leaf = modprobe(load(args(empty, "-r", "-v", "demo_leaf"), "demo_core", "demo_user", "demo_leaf"));
        // hello: removed, then its pre softdep demo_core (step 5), unused by then.
        KmodTools.Run hello = modprobe(load(args(empty, "-r", "hello"), "demo_core", "hello"));
        // demo_core held by demo_user: step 3 refuses, FATAL.
        KmodTools.Run core = modprobe(load(args(empty, "-r", "demo_core"), "demo_core", "demo_user"));
        // demo_user: its post softdep hello first (step 1), whose pre softdep demo_core is in use
        // by demo_user itself: FATAL there, demo_user stays.
        KmodTools.Run user = modprobe(load(args(empty, "-r", "demo_user"), "demo_core", "demo_user", "hello"));
        KmodTools.Run notLoaded = modprobe(args(empty, "-r", "hello"));
        KmodTools.Run firstTime = modprobe(args(empty, "-r", "--first-time", "hello"));
        KmodTools.Run builtin = modprobe(args(empty, "-r", "unix"));
        KmodTools.Run command = modprobe(load(args(conf.toString(), "-r", "demo_core"), "demo_core"));
        assertAll(
                () -> assertEquals(0, leaf.status(), leaf.err()),
                () -> assertEquals(List.of("demo_core"), loaded(leaf)),
                () -> assertEquals("rmmod demo_leaf\nrmmod demo_user\n", leaf.out().substring(0, leaf.out().indexOf("Module "))),
                () -> assertEquals(0, hello.status(), hello.err()),
                () -> assertEquals(List.of(), loaded(hello)),
                () -> assertEquals(1, core.status()),
                () -> assertEquals("modprobe: FATAL: Module demo_core is in use.\n", core.err()),
                () -> assertEquals(List.of("demo_core", "demo_user"), loaded(core)),
                () -> assertEquals(1, user.status()),
                () -> assertEquals("modprobe: FATAL: Module demo_core is in use.\n", user.err()),
                () -> assertEquals(List.of("demo_core", "demo_user"), loaded(user)),
                () -> assertEquals(new KmodTools.Run(0, "Module                  Size  Used by\n", ""), notLoaded),
                () -> assertEquals(1, firstTime.status()),
                () -> assertEquals("modprobe: FATAL: Module hello is not in kernel.\n", firstTime.err()),
                () -> assertEquals(1, builtin.status()),
                () -> assertEquals("modprobe: FATAL: Module unix is builtin.\n", builtin.err()),
                () -> assertEquals(1, command.status()),
                () -> assertEquals("modprobe: ERROR: could not remove 'demo_core': remove command not run (the simulation"
                        + " runs no commands): /sbin/rmmod demo_core\n", command.err()),
                () -> assertEquals(List.of("demo_core"), loaded(command)));
    }

    private static List<String> load(List<String> a, String... modules) {
        List<String> out = new ArrayList<>();
        for (String m : modules) {
            out.addAll(List.of("--load", ko(m)));
        }
        out.addAll(a);
        return out;
    }

    @Test
    void alreadyLoadedIsFineUnlessFirstTime() {
        String empty = tmp.resolve("empty.conf").toString();
        KmodTools.Run again = modprobe(load(args(empty, "demo_core"), "demo_core"));
        KmodTools.Run first = modprobe(load(args(empty, "--first-time", "demo_core"), "demo_core"));
        KmodTools.Run builtin = modprobe(args(empty, "--first-time", "unix"));
        assertAll(
                () -> assertEquals(0, again.status(), again.err()),
                () -> assertEquals("", again.err()),
                () -> assertEquals(1, first.status()),
                () -> assertEquals("modprobe: ERROR: could not insert 'demo_core': Module already in kernel\n", first.err()),
                () -> assertEquals(1, builtin.status()),
                () -> assertEquals("modprobe: ERROR: could not insert 'unix': Module already in kernel\n", builtin.err()));
    }

    @Test
    void aFailedLoadIsKmodsOneLineAndStopsTheModulesAfterIt() throws IOException {
        Path broken = tmp.resolve("broken");
        ModprobeTree.build(broken);
        Path core = broken.resolve("lib/modules/" + ModprobeTree.RELEASE + "/kernel/drivers/demo_core.ko");
        Files.write(core, Arrays.copyOf(Files.readAllBytes(core), 100));
        List<String> a = new ArrayList<>(List.of("--lsmod", "-d", broken.toString(), "-S", ModprobeTree.RELEASE, "-C",
                tmp.resolve("empty.conf").toString(), "demo_leaf"));
        KmodTools.Run r = KmodTools.modload("modprobe", a);
        assertAll(
                () -> assertEquals(1, r.status()),
                () -> assertEquals("modprobe: ERROR: could not insert 'demo_leaf': Exec format error\n", r.err()),
                () -> assertEquals(List.of(), loaded(r)));
    }

    @Test
    void notFoundIsFatalUnlessQuiet() {
        String empty = tmp.resolve("empty.conf").toString();
        KmodTools.Run r = modprobe(args(empty, "nosuch"));
        KmodTools.Run q = modprobe(args(empty, "-q", "nosuch"));
        KmodTools.Run s = modprobe(args(empty, "-s", "nosuch"));
        String dirname = base + "/lib/modules/" + ModprobeTree.RELEASE;
        assertAll(
                () -> assertEquals(1, r.status()),
                () -> assertEquals("modprobe: FATAL: Module nosuch not found in directory " + dirname + "\n", r.err()),
                () -> assertEquals(1, q.status()),
                () -> assertEquals("", q.err()),
                () -> assertEquals(1, s.status()),
                () -> assertEquals("<26>modprobe: FATAL: Module nosuch not found in directory " + dirname + "\n", s.err()));
    }
}
