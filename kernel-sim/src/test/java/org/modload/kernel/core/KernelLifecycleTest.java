package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.modload.kernel.Kernel;
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
import org.modload.kernel.model.ModuleState;
import org.modload.kernel.model.ModuleView;
import org.modload.loader.elf.Machine;

/** The module lifecycle of the simulated kernel on the bundled sample modules. */
class KernelLifecycleTest {
    private final Kernel kernel = Kernel.boot(TestKernels.builtin(Machine.EM_X86_64));

    private ModuleView load(String name) {
        return kernel.load(name + ".ko", Samples.x86_64(name), LoadOptions.defaults());
    }

    private ModuleView load(String name, LoadOptions options) {
        return kernel.load(name + ".ko", Samples.x86_64(name), options);
    }

    @Test
    void stateTableIsLinuxs() {
        assertAll(
                () -> assertEquals(EnumSet.of(ModuleState.COMING, ModuleState.GOING), ModuleState.UNFORMED.successors()),
                () -> assertEquals(EnumSet.of(ModuleState.LIVE, ModuleState.GOING), ModuleState.COMING.successors()),
                () -> assertEquals(EnumSet.of(ModuleState.GOING), ModuleState.LIVE.successors()),
                () -> assertEquals(EnumSet.noneOf(ModuleState.class), ModuleState.GOING.successors()),
                () -> assertFalse(ModuleState.LIVE.canMoveTo(ModuleState.COMING)));
    }

    @Test
    void initRunsInComingWhereNoReferenceCanBeTakenExitRunsInGoing() {
        AtomicReference<String> seen = new AtomicReference<>("");
        ModuleHooks hooks = new ModuleHooks() {
            @Override
            public int init(Kernel k, ModuleView m) {
                seen.set(seen.get() + "init:" + m.state() + ":get=" + k.tryModuleGet(m.name()) + " ");
                return 0;
            }

            @Override
            public void exit(Kernel k, ModuleView m) {
                seen.set(seen.get() + "exit:" + m.state() + ":get=" + k.tryModuleGet(m.name()));
            }
        };
        ModuleView m = load("hello", LoadOptions.defaults().withHooks(hooks));
        assertEquals(ModuleState.LIVE, m.state());
        assertEquals("init:COMING:get=false ", seen.get());
        kernel.deleteModule("hello", false);
        assertEquals("init:COMING:get=false exit:GOING:get=false", seen.get());
        assertEquals(Optional.empty(), kernel.module("hello"));
    }

    @Test
    void aReferenceHeldAcrossAnUnloadAttemptRefusesIt() {
        load("hello");
        assertTrue(kernel.tryModuleGet("hello"));
        KernelException e = assertThrows(KernelException.class, () -> kernel.deleteModule("hello", false));
        assertEquals(Errno.EWOULDBLOCK, e.errno());
        assertEquals("Module hello is in use", e.getMessage());
        ModuleView m = kernel.module("hello").orElseThrow();
        assertEquals(ModuleState.LIVE, m.state());
        assertEquals(1, m.refcount());
        kernel.modulePut("hello");
        kernel.deleteModule("hello", false);
        assertEquals(0, kernel.memoryInUse());
    }

    @Test
    void aChainOfThreeUnloadsOnlyFromItsEnd() {
        load("demo_core");
        load("demo_user");
        load("demo_leaf");
        assertEquals(List.of("demo_user"), kernel.module("demo_core").orElseThrow().usedBy());
        assertEquals(1, kernel.module("demo_core").orElseThrow().refcount());
        KernelException a = assertThrows(KernelException.class, () -> kernel.deleteModule("demo_core", false));
        KernelException b = assertThrows(KernelException.class, () -> kernel.deleteModule("demo_user", false));
        assertAll(
                () -> assertEquals(Errno.EWOULDBLOCK, a.errno()),
                () -> assertEquals("Module demo_core is in use by: demo_user", a.getMessage()),
                () -> assertEquals(Errno.EWOULDBLOCK, b.errno()),
                () -> assertEquals("Module demo_user is in use by: demo_leaf", b.getMessage()));
        kernel.deleteModule("demo_leaf", false);
        kernel.deleteModule("demo_user", false);
        assertEquals(0, kernel.module("demo_core").orElseThrow().refcount());
        kernel.deleteModule("demo_core", false);
        assertEquals(List.of(), kernel.modules());
        assertEquals(0, kernel.memoryInUse());
    }

    @Test
    void unloadAnswersAsLinux() {
        KernelException missing = assertThrows(KernelException.class, () -> kernel.deleteModule("nope", false));
        assertEquals(Errno.ENOENT, missing.errno());
    }

    @Test
    void aFailingInitReturnsItsErrorAndLeavesNothingBehind() {
        load("demo_core");
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
                () -> load("demo_user", LoadOptions.defaults().withHooks(failing)));
        assertAll(
                () -> assertEquals(Errno.ENOMEM, e.errno()),
                () -> assertEquals(Optional.of(LoadPhase.INIT), e.phase()),
                () -> assertEquals(before, kernel.snapshot()));
        load("demo_user"); // and the same module loads fine afterwards
    }

    @Test
    void forcedUnloadOfAReferencedModuleTaintsTheKernel() {
        load("hello");
        assertTrue(kernel.tryModuleGet("hello"));
        assertEquals("OE", kernel.taints()); // the samples are out of tree and unsigned, as Linux taints them
        kernel.deleteModule("hello", true);
        assertEquals("ROE", kernel.taints());
        assertEquals(Optional.empty(), kernel.module("hello"));
    }

    @ParameterizedTest
    @EnumSource(LoadPhase.class)
    void aFailureInAnyPhaseLeavesTheKernelUnchanged(LoadPhase phase) {
        load("demo_core");
        assertTrue(kernel.tryModuleGet("demo_core"));
        KernelSnapshot before = kernel.snapshot();
        KernelException e = assertThrows(KernelException.class, () -> load("demo_user",
                LoadOptions.defaults().withFaults(FaultInjection.failAt(phase, Errno.EINVAL))));
        assertAll(
                () -> assertEquals(Errno.EINVAL, e.errno()),
                () -> assertEquals(Optional.of(phase), e.phase()),
                () -> assertEquals(before, kernel.snapshot()),
                () -> assertEquals(Optional.empty(), kernel.module("demo_user")));
        ModuleView user = load("demo_user");
        assertEquals(ModuleState.LIVE, user.state());
    }

    /**
     * check_modinfo(): a module whose .modinfo says {@code staging=Y} (drivers/staging) taints
     * C, printed between R and O as Linux's bit order puts it; Debian's r8723bs and qlge show
     * {@code (C)} in the real kernel's /proc/modules (RealKernelCorpusTest).
     */
    @Test
    void aStagingModuleTaintsC() {
        String description = "description=modload sample: says hello";
        String staging = "staging=Y" + "\0".repeat(description.length() - "staging=Y".length());
        ModuleView plain = kernel.load("hello.ko", Samples.x86_64("hello"), LoadOptions.defaults());
        kernel.deleteModule("hello", false);
        ModuleView staged = kernel.load("hello.ko", Samples.patched(Samples.x86_64("hello"), description, staging),
                LoadOptions.defaults());
        assertAll(
                () -> assertFalse(plain.taintLetters().contains("C"), plain.taintLetters()),
                () -> assertEquals(plain.taintLetters().replace("O", "CO"), staged.taintLetters()),
                () -> assertTrue(staged.taintLetters().startsWith("CO"), staged.taintLetters()));
    }

    @Test
    void gplOnlyExportsAreNotFoundByANonGplModule() {
        load("demo_core");
        KernelSnapshot before = kernel.snapshot();
        KernelException e = assertThrows(KernelException.class, () -> kernel.load("demo_user.ko",
                Samples.patched(Samples.x86_64("demo_user"), "license=GPL", "license=MIT"), LoadOptions.defaults()));
        assertAll(
                () -> assertEquals(Errno.ENOENT, e.errno()),
                () -> assertEquals(Optional.of(LoadPhase.RESOLVE_SYMBOLS), e.phase()),
                () -> assertTrue(e.getMessage().startsWith("demo_user: Unknown symbol demo_register (err -2)"),
                        e.getMessage()),
                () -> assertEquals(before, kernel.snapshot()));
    }

    @Test
    void aNamespacedExportNeedsItsNamespaceImported() {
        Kernel k = Kernel.boot(new KernelConfig(Machine.EM_X86_64, "test", Optional.empty(), OptionalLong.empty(),
                false, List.of(new KernelSymbol("_printk", 0xffffffff81100000L, OptionalLong.empty(), false, "FOO_NS",
                        KernelSymbol.VMLINUX)), 1L << 30));
        KernelException e = assertThrows(KernelException.class,
                () -> k.load("hello.ko", Samples.x86_64("hello"), LoadOptions.defaults()));
        assertAll(
                () -> assertEquals(Errno.EINVAL, e.errno()),
                () -> assertEquals("module hello uses symbol _printk from namespace FOO_NS, but does not import it.",
                        e.getMessage()),
                () -> assertEquals(List.of(), k.modules()));
    }

    @Test
    void aSecondModuleOfTheSameNameIsRefused() {
        load("hello");
        KernelSnapshot before = kernel.snapshot();
        KernelException e = assertThrows(KernelException.class, () -> load("hello"));
        assertEquals(Errno.EEXIST, e.errno());
        assertEquals(before, kernel.snapshot());
    }

    @Test
    void aDuplicateExportIsRefused() {
        load("demo_core");
        KernelException e = assertThrows(KernelException.class, () -> kernel.load("demo_core2.ko",
                Samples.patched(Samples.x86_64("demo_core"), "name=demo_core", "name=demo_cor2"), LoadOptions.defaults()));
        assertEquals(Errno.ENOEXEC, e.errno());
        assertEquals("demo_cor2: exports duplicate symbol demo_register (owned by demo_core)", e.getMessage());
    }

    @Test
    void anInitThatDiesWithAnErrorLeavesNothingBehind() {
        load("demo_core");
        KernelSnapshot before = kernel.snapshot();
        ModuleHooks dying = new ModuleHooks() {
            @Override
            public int init(Kernel k, ModuleView m) {
                throw new StackOverflowError("init died");
            }

            @Override
            public void exit(Kernel k, ModuleView m) {
                throw new AssertionError("exit must not run after a failed init");
            }
        };
        StackOverflowError e = assertThrows(StackOverflowError.class,
                () -> load("demo_user", LoadOptions.defaults().withHooks(dying)));
        assertEquals("init died", e.getMessage());
        assertEquals(before, kernel.snapshot());
        assertEquals(Optional.empty(), kernel.module("demo_user"));
        load("demo_user");
    }
}
