package org.modload.kernel.tree;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.Canonical;
import org.modload.kernel.Kernel;
import org.modload.kernel.KernelParameters;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.TestKernels;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.ModuleEvent;
import org.modload.loader.elf.Machine;
import org.modload.loader.spi.Architectures;

/**
 * load-tree on the bundled samples: dependencies first, the same kernel for any number of
 * threads, one thread in modprobe's depth-first order, and a dependency cycle reported for each
 * module on it (in load order), without loading them.
 */
class TreeLoaderTest {
    private static final List<String> SAMPLES = List.of("hello", "demo_core", "demo_user", "demo_leaf");

    @TempDir
    Path dir;

    private List<Path> samples() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String s : SAMPLES) {
            Path p = dir.resolve(s + ".ko");
            if (Files.exists(p)) {
                out.add(p);
                continue;
            }
            try (InputStream in = getClass().getResourceAsStream("/org/modload/kernel/samples/x86_64/" + s + ".ko")) {
                Files.copy(in, p);
            }
            out.add(p);
        }
        Collections.sort(out);
        return out;
    }

    private static Kernel kernel(List<ModuleEvent> trace) {
        return Kernel.boot(TestKernels.builtin(Machine.EM_X86_64), Architectures.installed(),
                KernelParameters.defaults().withTrace(trace::add));
    }

    @Test
    void oneThreadLoadsInModprobesOrder() throws IOException {
        List<ModuleEvent> trace = new ArrayList<>();
        TreeLoader.Result r = TreeLoader.load(kernel(trace), samples(), LoadOptions.defaults(), 1);
        assertEquals(new TreeLoader.Result(4, 4, List.of()), r);
        assertEquals(List.of("demo_core", "demo_user", "demo_leaf", "hello"),
                trace.stream().map(ModuleEvent::module).toList());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 8})
    void anyNumberOfThreadsGivesTheSameKernel(int threads) throws IOException {
        Kernel one = kernel(new ArrayList<>());
        TreeLoader.load(one, samples(), LoadOptions.defaults(), 1);
        List<ModuleEvent> trace = java.util.Collections.synchronizedList(new ArrayList<>());
        Kernel many = kernel(trace);
        assertEquals(new TreeLoader.Result(4, 4, List.of()), TreeLoader.load(many, samples(), LoadOptions.defaults(),
                threads));
        assertEquals(Canonical.of(one), Canonical.of(many));
        List<String> order = trace.stream().map(ModuleEvent::module).toList();
        assertAll(
                () -> assertEquals(4, order.size()),
                () -> assertEquals(true, order.indexOf("demo_core") < order.indexOf("demo_user")),
                () -> assertEquals(true, order.indexOf("demo_user") < order.indexOf("demo_leaf")));
    }

    @Test
    void modulesOnADependencyCycleAreReportedAndNotLoaded() throws IOException {
        List<Path> files = samples();
        Path user = dir.resolve("demo_user.ko");
        byte[] b = Files.readAllBytes(user);
        String text = new String(b, StandardCharsets.ISO_8859_1).replace("depends=demo_core", "depends=demo_leaf");
        Files.write(user, text.getBytes(StandardCharsets.ISO_8859_1));
        Kernel kernel = kernel(new ArrayList<>());
        TreeLoader.Result r = TreeLoader.load(kernel, files, LoadOptions.defaults(), 2);
        assertEquals(new TreeLoader.Result(2, 4, List.of(
                new TreeLoader.Failure("demo_user", Errno.ELOOP,
                        "demo_user: dependency cycle: demo_user -> demo_leaf -> demo_user (2 modules in dependency cycles)"),
                new TreeLoader.Failure("demo_leaf", Errno.ELOOP,
                        "demo_leaf: dependency cycle: demo_leaf -> demo_user -> demo_leaf (2 modules in dependency cycles)"))),
                r);
        assertEquals(List.of("demo_core", "hello"), kernel.modules().stream().map(m -> m.name()).sorted().toList());
    }

    @Test
    void anUnreadableModuleIsReportedFirstAndItsUsersFailOnTheirSymbols() throws IOException {
        List<Path> files = samples();
        Path core = dir.resolve("demo_core.ko");
        Files.write(core, java.util.Arrays.copyOf(Files.readAllBytes(core), 100));
        TreeLoader.Result r = TreeLoader.load(kernel(new ArrayList<>()), files, LoadOptions.defaults(), 2);
        assertAll(
                () -> assertEquals(1, r.loaded()),
                () -> assertEquals(List.of("demo_core", "demo_user", "demo_leaf"),
                        r.failures().stream().map(TreeLoader.Failure::module).toList()),
                () -> assertEquals(List.of(Errno.ENOEXEC, Errno.ENOENT, Errno.ENOENT),
                        r.failures().stream().map(TreeLoader.Failure::errno).toList()));
    }

    @Test
    void threadsMustBePositive() throws IOException {
        List<Path> files = samples();
        assertThrows(IllegalArgumentException.class, () -> TreeLoader.load(kernel(new ArrayList<>()), files,
                LoadOptions.defaults(), 0));
    }

    /** Two files of one module name: the first given loads, the other is an EEXIST failure naming both. */
    @Test
    void aSecondFileOfOneNameIsReportedNotDropped() throws IOException {
        List<Path> modules = new ArrayList<>(samples());
        Path copy = Files.createDirectories(dir.resolve("again")).resolve("hello.ko");
        Files.copy(dir.resolve("hello.ko"), copy);
        modules.add(copy);
        TreeLoader.Result r = TreeLoader.load(kernel(new ArrayList<>()), modules, LoadOptions.defaults(), 2);
        assertEquals(new TreeLoader.Result(4, 5, List.of(new TreeLoader.Failure("hello", Errno.EEXIST, copy
                + ": duplicate module name hello, also " + dir.resolve("hello.ko") + " (loaded instead)"))), r);
    }

    /** A compressed module (by content) loads as its decompressed image does, in the same order. */
    @Test
    void compressedModulesLoadInTheSameOrder() throws IOException {
        List<Path> modules = new ArrayList<>();
        for (Path p : samples()) {
            Path z = Path.of(p + ".zst");
            Files.write(z, org.modload.kernel.compress.Compressors.module(org.modload.kernel.compress.Compression.ZSTD,
                    Files.readAllBytes(p)));
            modules.add(z);
        }
        List<ModuleEvent> trace = new ArrayList<>();
        assertEquals(new TreeLoader.Result(4, 4, List.of()), TreeLoader.load(kernel(trace), modules,
                LoadOptions.defaults(), 1));
        assertEquals(List.of("demo_core", "demo_user", "demo_leaf", "hello"),
                trace.stream().map(ModuleEvent::module).toList());
    }
}
