package org.modload.kernel.insmod;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.modload.kernel.Kernel;
import org.modload.kernel.KernelParameters;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.ModuleHooks;
import org.modload.kernel.TestKernels;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.FaultInjection;
import org.modload.kernel.model.KernelConfig;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.KernelSnapshot;
import org.modload.kernel.model.KernelSymbol;
import org.modload.kernel.model.LoadPhase;
import org.modload.kernel.model.LoadPolicy;
import org.modload.kernel.model.ModuleListEntry;
import org.modload.kernel.model.ModuleState;
import org.modload.kernel.model.ModuleView;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.spi.Architectures;
import org.modload.loader.spi.Profile;

/**
 * Issue 17, Must show 1 (loading): Rusty Russell's "insmod dying between the two system calls",
 * run. Under {@code legacy-2.4} a caller that stops after create_module leaves the entry in the
 * list, holding memory and the name; under Linux's policy the same interruption, at every phase
 * of the one call, leaves the kernel as it was.
 */
class LoadPolicyTest {
    private static final long PAGE = 4096;

    private static Kernel boot(LoadPolicy policy) {
        return boot(TestKernels.builtin(Machine.EM_X86_64), policy);
    }

    private static Kernel boot(KernelConfig config, LoadPolicy policy) {
        return Kernel.boot(config, Architectures.installed(), KernelParameters.defaults().withLoadPolicy(policy));
    }

    private static ByteBuffer sample(String name) {
        String resource = "/org/modload/kernel/samples/x86_64/" + name + ".ko";
        try (InputStream in = LoadPolicyTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource);
            }
            return ByteBuffer.wrap(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ModuleView insmod(Kernel kernel, String name) {
        return Insmod.insert(kernel, name + ".ko", sample(name), LoadOptions.defaults());
    }

    private static Outcome insmod(Kernel kernel, String name, Checkpoint checkpoint) {
        return LegacyInsmod.run(kernel, name + ".ko", sample(name), LoadOptions.defaults(), checkpoint);
    }

    private static List<ModuleListEntry.Uninitialized> uninitialized(Kernel kernel) {
        List<ModuleListEntry.Uninitialized> out = new ArrayList<>();
        for (ModuleListEntry e : kernel.moduleList()) {
            if (e instanceof ModuleListEntry.Uninitialized u) {
                out.add(u);
            }
        }
        return out;
    }

    @Test
    void twoCallInsmodLinksModulesThatWorkAsUnderLinux() {
        Kernel kernel = boot(LoadPolicy.LEGACY_2_4);
        insmod(kernel, "demo_core");
        ModuleView user = insmod(kernel, "demo_user");
        insmod(kernel, "demo_leaf");
        assertAll(
                () -> assertEquals(ModuleState.LIVE, user.state()),
                () -> assertEquals(List.of("demo_core"), user.uses()),
                () -> assertEquals(List.of("demo_user"), kernel.module("demo_core").orElseThrow().usedBy()),
                () -> assertEquals(List.of(), uninitialized(kernel)),
                () -> assertEquals(Errno.EWOULDBLOCK,
                        assertThrows(KernelException.class, () -> kernel.deleteModule("demo_core", false)).errno()));
        kernel.deleteModule("demo_leaf", false);
        kernel.deleteModule("demo_user", false);
        kernel.deleteModule("demo_core", false);
        assertEquals(0, kernel.memoryInUse());
    }

    /**
     * Relocated in userspace at create_module's address or in the kernel at the same address,
     * a module's bytes are the same: the two policies differ in who links, not in the link.
     */
    @Test
    void userspaceRelocationGivesTheBytesTheKernelsRelocationGives() {
        for (String name : List.of("hello", "demo_core")) {
            Kernel legacy = boot(LoadPolicy.LEGACY_2_4);
            Kernel linux = boot(LoadPolicy.LINUX);
            LoadedImage a = insmod(legacy, name).image();
            LoadedImage b = insmod(linux, name).image();
            assertEquals(b.plan().coreBase(), a.plan().coreBase(), name + ": both first-fit into an empty area");
            // 2.4's insmod lays the module out itself; Linux 6.1 leaves .modinfo and __versions
            // out of module memory and appends its kallsyms copies, so later sections may move.
            // Where both put a section at the same address, relocation must give the same bytes.
            Map<String, PlacedSection> linuxByName = new HashMap<>();
            b.plan().placed().forEach(p -> linuxByName.put(p.name(), p));
            int same = 0;
            for (PlacedSection pa : a.plan().placed()) {
                PlacedSection pb = linuxByName.get(pa.name());
                if (pb != null && pb.address() == pa.address()) {
                    assertArrayEquals(bytes(b.bytes(pb)), bytes(a.bytes(pa)), name + " " + pa.name());
                    same++;
                }
            }
            assertTrue(linuxByName.containsKey(".text") && same >= 2,
                    name + ": only " + same + " sections at the same address under both policies");
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @ParameterizedTest
    @EnumSource(InsmodStep.class)
    void aLegacyInsmodKilledAfterEachStep(InsmodStep step) {
        Kernel kernel = boot(LoadPolicy.LEGACY_2_4);
        insmod(kernel, "demo_core");
        assertTrue(kernel.tryModuleGet("demo_core"));
        KernelSnapshot before = kernel.snapshot();
        long memory = kernel.memoryInUse();

        Outcome o = insmod(kernel, "demo_user", s -> s == step);

        assertEquals(new Outcome.Killed("after " + step.spelling()), o);
        assertEquals(Optional.empty(), kernel.module("demo_user"));
        if (step == InsmodStep.QUERY_MODULE) {
            // Killed before create_module: nothing was reserved, nothing is left.
            assertEquals(before, kernel.snapshot());
            return;
        }
        // Killed between the two calls: the entry stays, uninitialized, holding its memory and name.
        List<ModuleListEntry.Uninitialized> left = uninitialized(kernel);
        assertEquals(1, left.size(), kernel.moduleList().toString());
        ModuleListEntry.Uninitialized u = left.get(0);
        assertAll(
                () -> assertEquals("demo_user", u.name()),
                () -> assertTrue(u.size() > 0),
                () -> assertEquals(memory + (u.size() + PAGE - 1) / PAGE * PAGE, kernel.memoryInUse()),
                () -> assertEquals(before.allocations() + 1, kernel.snapshot().allocations()),
                () -> assertNotEquals(before, kernel.snapshot()),
                () -> assertEquals("demo_user", kernel.moduleList().get(0).name(), "listed as the newest entry"),
                () -> assertFalse(kernel.queryModuleSymbols().stream().anyMatch(s -> s.name().equals("demo_user_twice"))));
        KernelException again = assertThrows(KernelException.class, () -> insmod(kernel, "demo_user"));
        assertAll(
                () -> assertEquals(Errno.EEXIST, again.errno()),
                () -> assertEquals("a module named demo_user already exists", again.getMessage()));
        // Only someone who knows removes it: 2.4's rmmod of the name.
        kernel.deleteModule("demo_user", false);
        assertEquals(before, kernel.snapshot());
        assertEquals(ModuleState.LIVE, insmod(kernel, "demo_user").state());
    }

    @ParameterizedTest
    @EnumSource(LoadPhase.class)
    void theSameInterruptionAtEveryPhaseOfLinuxsOneCallLeavesNothing(LoadPhase phase) {
        Kernel kernel = boot(LoadPolicy.LINUX);
        insmod(kernel, "demo_core");
        assertTrue(kernel.tryModuleGet("demo_core"));
        KernelSnapshot before = kernel.snapshot();
        List<ModuleListEntry> listed = kernel.moduleList();

        Outcome o = Insmod.run(kernel, "demo_user.ko", sample("demo_user"), LoadOptions.defaults(),
                Optional.of(new KillPoint.InPhase(phase)));

        assertAll(
                () -> assertEquals(new Outcome.Killed("in " + phase), o),
                () -> assertEquals(before, kernel.snapshot()),
                () -> assertEquals(listed, kernel.moduleList()),
                () -> assertEquals(List.of(), uninitialized(kernel)));
        assertEquals(ModuleState.LIVE, insmod(kernel, "demo_user").state());
    }

    @Test
    void eachPolicyHasOnlyItsOwnCalls() {
        Kernel linux = boot(LoadPolicy.LINUX);
        Kernel legacy = boot(LoadPolicy.LEGACY_2_4);
        LoadedImage image = insmod(linux, "hello").image();
        List<KernelException> refused = List.of(
                assertThrows(KernelException.class, () -> linux.createModule("x", 4096)),
                assertThrows(KernelException.class, linux::queryModuleSymbols),
                assertThrows(KernelException.class, () -> linux.initModule("hello", image, List.of(), LoadOptions.defaults())),
                assertThrows(KernelException.class, () -> legacy.load("hello.ko", sample("hello"), LoadOptions.defaults())));
        for (KernelException e : refused) {
            assertEquals(Errno.ENOSYS, e.errno(), e.getMessage());
        }
        assertEquals("a linux kernel has no create_module (the legacy-2.4 load policy has it)",
                refused.get(0).getMessage());
    }

    @Test
    void createModuleRefusesATakenNameAndABadSizeAndAnswersWhereTheMemoryIs() {
        Kernel kernel = boot(LoadPolicy.LEGACY_2_4);
        insmod(kernel, "hello");
        long a = kernel.createModule("first", 5000);
        long b = kernel.createModule("second", 1);
        assertAll(
                () -> assertEquals(a + 2 * PAGE, b, "5000 bytes take two pages"),
                () -> assertEquals(Errno.EEXIST, assertThrows(KernelException.class,
                        () -> kernel.createModule("hello", 4096)).errno()),
                () -> assertEquals(Errno.EEXIST, assertThrows(KernelException.class,
                        () -> kernel.createModule("first", 4096)).errno()),
                () -> assertEquals(Errno.EINVAL, assertThrows(KernelException.class,
                        () -> kernel.createModule("third", 0)).errno()),
                () -> assertEquals(Errno.EINVAL, assertThrows(KernelException.class,
                        () -> kernel.createModule("", 4096)).errno()),
                () -> assertEquals(Errno.ENOMEM, assertThrows(KernelException.class,
                        () -> kernel.createModule("huge", Long.MAX_VALUE / 2)).errno()),
                () -> assertEquals(List.of("second", "first", "hello"),
                        kernel.moduleList().stream().map(ModuleListEntry::name).toList()),
                () -> assertEquals(new ModuleListEntry.Uninitialized("first", a, 5000), kernel.moduleList().get(1)));
    }

    @Test
    void anUnresolvedSymbolStopsInsmodBeforeItReservesAnything() {
        Kernel kernel = boot(LoadPolicy.LEGACY_2_4);
        KernelSnapshot before = kernel.snapshot();
        KernelException e = assertThrows(KernelException.class, () -> insmod(kernel, "demo_user"));
        assertAll(
                () -> assertEquals(Errno.ENOENT, e.errno()),
                () -> assertEquals(Optional.of(LoadPhase.RESOLVE_SYMBOLS), e.phase()),
                () -> assertEquals("demo_user.ko: unresolved symbol demo_register", e.getMessage()),
                () -> assertEquals(before, kernel.snapshot()));
    }

    /** A relocation that fails after create_module: insmod removes the entry it made (modutils' delete_module). */
    @Test
    void aFailureAfterCreateModuleIsCleanedUpByInsmod() {
        KernelConfig builtin = TestKernels.builtin(Machine.EM_X86_64);
        List<KernelSymbol> exports = new ArrayList<>();
        for (KernelSymbol s : builtin.exports()) {
            // 64 GiB below the module area: out of reach of hello's PLT32 call to _printk.
            exports.add(s.name().equals("_printk") ? new KernelSymbol(s.name(), 0xfffffff000000000L, s.crc(), s.gplOnly(),
                    s.namespace(), s.owner()) : s);
        }
        KernelConfig far = new KernelConfig(builtin.machine(), builtin.release(), builtin.vermagic(),
                builtin.structModuleSize(), builtin.modversions(), exports, builtin.moduleAreaSize());
        Kernel kernel = boot(far, LoadPolicy.LEGACY_2_4);
        KernelSnapshot before = kernel.snapshot();
        AtomicReference<List<ModuleListEntry>> between = new AtomicReference<>();
        KernelException e = assertThrows(KernelException.class, () -> insmod(kernel, "hello", s -> {
            between.set(kernel.moduleList());
            return false;
        }));
        assertAll(
                () -> assertEquals(Errno.ENOEXEC, e.errno()),
                () -> assertEquals(Optional.of(LoadPhase.RELOCATE), e.phase()),
                () -> assertTrue(e.getMessage().contains("out of range"), e.getMessage()),
                () -> assertInstanceOf(ModuleListEntry.Uninitialized.class, between.get().get(0),
                        "create_module had reserved the entry"),
                () -> assertEquals(before, kernel.snapshot()));
    }

    /** 2.4's race: the module insmod linked against is unloaded before init_module; the kernel refuses. */
    @Test
    void aDependencyUnloadedBetweenQueryModuleAndInitModuleIsRefused() {
        Kernel kernel = boot(LoadPolicy.LEGACY_2_4);
        insmod(kernel, "demo_core");
        KernelException e = assertThrows(KernelException.class, () -> insmod(kernel, "demo_user", step -> {
            if (step == InsmodStep.RELOCATE) {
                kernel.deleteModule("demo_core", false); // another rmmod, between the two calls
            }
            return false;
        }));
        assertAll(
                () -> assertEquals(Errno.EINVAL, e.errno()),
                () -> assertEquals("init_module: demo_user: found dependency demo_core that is (no longer?) a module",
                        e.getMessage()),
                () -> assertEquals(List.of(), kernel.moduleList()),
                () -> assertEquals(0, kernel.memoryInUse()));
    }

    /**
     * 2.4's init_module leaves the entry uninitialized whatever stops it, init's failure included:
     * without insmod's delete_module the entry and its memory stay; nothing else does.
     */
    @ParameterizedTest
    @EnumSource(value = LoadPhase.class, names = {"MODINFO", "ALLOCATE", "RESOLVE_SYMBOLS", "FINALIZE", "EXPORTS", "COMING",
        "INIT", "LIVE"})
    void aFailedInitModuleLeavesTheEntryAsCreateModuleMadeIt(LoadPhase phase) {
        Kernel kernel = boot(LoadPolicy.LEGACY_2_4);
        insmod(kernel, "demo_core");
        // insmod up to init_module; this test makes the second call itself.
        insmod(kernel, "demo_user", step -> step == InsmodStep.RELOCATE);
        LoadedImage image = relocatedDemoUser(kernel);
        KernelSnapshot before = kernel.snapshot();
        KernelException e = assertThrows(KernelException.class, () -> kernel.initModule("demo_user", image,
                List.of("demo_core"), LoadOptions.defaults().withFaults(FaultInjection.failAt(phase, Errno.ENOMEM))));
        assertAll(
                () -> assertEquals(Errno.ENOMEM, e.errno()),
                () -> assertEquals(Optional.of(phase), e.phase()),
                () -> assertEquals(before, kernel.snapshot()),
                () -> assertEquals(List.of(), kernel.module("demo_core").orElseThrow().usedBy()));
        // The entry is still there for a retry, as 2.4 would let insmod retry after a delete.
        assertEquals(ModuleState.LIVE,
                kernel.initModule("demo_user", image, List.of("demo_core"), LoadOptions.defaults()).state());
    }

    @Test
    void anInitThatFailsUnderInsmodIsDeletedByIt() {
        Kernel kernel = boot(LoadPolicy.LEGACY_2_4);
        KernelSnapshot before = kernel.snapshot();
        ModuleHooks failing = new ModuleHooks() {
            @Override
            public int init(Kernel k, ModuleView m) {
                return -Errno.ENOMEM.number();
            }

            @Override
            public void exit(Kernel k, ModuleView m) {
                throw new AssertionError("exit must not run after a failed init");
            }
        };
        KernelException e = assertThrows(KernelException.class,
                () -> Insmod.insert(kernel, "hello.ko", sample("hello"), LoadOptions.defaults().withHooks(failing)));
        assertAll(
                () -> assertEquals(Errno.ENOMEM, e.errno()),
                () -> assertEquals(Optional.of(LoadPhase.INIT), e.phase()),
                () -> assertEquals(before, kernel.snapshot()));
    }

    @Test
    void initModuleChecksTheImageAgainstTheEntry() {
        Kernel kernel = boot(LoadPolicy.LEGACY_2_4);
        insmod(kernel, "demo_core");
        LoadedImage image = relocatedDemoUserAt(kernel, kernel.createModule("demo_user", 8 * PAGE) + PAGE);
        KernelException moved = assertThrows(KernelException.class,
                () -> kernel.initModule("demo_user", image, List.of("demo_core"), LoadOptions.defaults()));
        KernelException unknown = assertThrows(KernelException.class,
                () -> kernel.initModule("nobody", image, List.of(), LoadOptions.defaults()));
        kernel.deleteModule("demo_user", false);
        long small = kernel.createModule("demo_user", 1);
        KernelException tooBig = assertThrows(KernelException.class,
                () -> kernel.initModule("demo_user", relocatedDemoUserAt(kernel, small), List.of("demo_core"),
                        LoadOptions.defaults()));
        assertAll(
                () -> assertEquals(Errno.EINVAL, moved.errno()),
                () -> assertTrue(moved.getMessage().startsWith("init_module: demo_user: image relocated at 0x"), moved.getMessage()),
                () -> assertEquals(Errno.ENOENT, unknown.errno()),
                () -> assertEquals(Errno.EINVAL, tooBig.errno()),
                () -> assertTrue(tooBig.getMessage().contains("exceeds the 1 create_module reserved"), tooBig.getMessage()));
    }

    /** Two init_module calls for one entry, at once: one module goes LIVE, the other call finds it taken. */
    @Test
    void concurrentInitModulesOfOneEntryLetExactlyOneThrough() throws Exception {
        for (int round = 0; round < 20; round++) {
            Kernel kernel = boot(LoadPolicy.LEGACY_2_4);
            insmod(kernel, "demo_core");
            LoadedImage image = relocatedDemoUserAt(kernel, kernel.createModule("demo_user", 8 * PAGE));
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<Errno>> calls = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    calls.add(pool.submit(() -> {
                        start.await();
                        try {
                            kernel.initModule("demo_user", image, List.of("demo_core"), LoadOptions.defaults());
                            return null;
                        } catch (KernelException e) {
                            return e.errno();
                        }
                    }));
                }
                start.countDown();
                List<Errno> results = new ArrayList<>();
                for (Future<Errno> f : calls) {
                    results.add(f.get(30, TimeUnit.SECONDS));
                }
                assertTrue(results.contains(null) && results.contains(Errno.EBUSY), results.toString());
            } finally {
                pool.shutdownNow();
            }
            ModuleView core = kernel.module("demo_core").orElseThrow();
            assertAll(
                    () -> assertEquals(ModuleState.LIVE, kernel.module("demo_user").orElseThrow().state()),
                    () -> assertEquals(List.of("demo_user"), core.usedBy()),
                    () -> assertEquals(1, core.refcount(), "one reference, for the one module that went LIVE"),
                    () -> assertEquals(List.of(), uninitialized(kernel)));
        }
    }

    /** demo_user relocated at its entry's address, as insmod does it, without insmod's calls. */
    private static LoadedImage relocatedDemoUser(Kernel kernel) {
        ModuleListEntry.Uninitialized u = uninitialized(kernel).get(0);
        return relocatedDemoUserAt(kernel, u.address());
    }

    private static LoadedImage relocatedDemoUserAt(Kernel kernel, long address) {
        ElfFile obj = ElfFile.parse("demo_user.ko", sample("demo_user"));
        Map<String, KernelSymbol> symbols = new HashMap<>();
        kernel.queryModuleSymbols().forEach(s -> symbols.putIfAbsent(s.name(), s));
        return new LinkEngine(kernel.architecture()).link(obj, Profile.KERNEL, new LayoutPolicy.Linux(address),
                n -> Optional.ofNullable(symbols.get(n)).map(s -> SymbolDefinition.at(s.address())));
    }
}
