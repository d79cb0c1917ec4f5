package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.modload.kernel.Kernel;
import org.modload.kernel.KernelParameters;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.ModuleHooks;
import org.modload.kernel.TestKernels;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.KernelSnapshot;
import org.modload.kernel.model.ModuleState;
import org.modload.kernel.model.ModuleView;
import org.modload.kernel.model.UnloadPolicy;
import org.modload.loader.elf.Machine;
import org.modload.loader.spi.Architectures;

/**
 * Issue 17, Must show 1 (unloading): Roman Zippel's "allow module exit to fail" against Linux's
 * references taken with try_module_get. The same module, whose exit would refuse, keeps itself
 * LIVE and usable under {@code exit-may-fail}, and is unloaded under Linux's policy once the
 * references on it are dropped.
 */
class ExitPolicyTest {

    /** A module's code whose exit refuses with EBUSY while {@code refusing} and counts how it was asked. */
    private static final class Stubborn implements ModuleHooks {
        final AtomicInteger fallibleExits = new AtomicInteger();
        final AtomicInteger voidExits = new AtomicInteger();
        final List<String> seenWhileExiting = new ArrayList<>();
        volatile boolean refusing = true;

        @Override
        public int init(Kernel kernel, ModuleView module) {
            return 0;
        }

        @Override
        public void exit(Kernel kernel, ModuleView module) {
            voidExits.incrementAndGet();
        }

        @Override
        public int fallibleExit(Kernel kernel, ModuleView module) {
            fallibleExits.incrementAndGet();
            seenWhileExiting.add(module.state() + ":get=" + kernel.tryModuleGet(module.name()));
            return refusing ? -Errno.EBUSY.number() : 0;
        }
    }

    private static Kernel boot(UnloadPolicy policy) {
        return Kernel.boot(TestKernels.builtin(Machine.EM_X86_64), Architectures.installed(),
                KernelParameters.defaults().withUnloadPolicy(policy));
    }

    private static ModuleView load(Kernel kernel, String name, ModuleHooks hooks) {
        return kernel.load(name + ".ko", Samples.x86_64(name), LoadOptions.defaults().withHooks(hooks));
    }

    @Test
    void underExitMayFailARefusingExitKeepsTheModuleLiveWithItsReferencesAndUsable() {
        Kernel kernel = boot(UnloadPolicy.EXIT_MAY_FAIL);
        Stubborn code = new Stubborn();
        load(kernel, "demo_core", code);
        assertTrue(kernel.tryModuleGet("demo_core"));
        KernelSnapshot before = kernel.snapshot();

        KernelException e = assertThrows(KernelException.class, () -> kernel.deleteModule("demo_core", false));

        ModuleView after = kernel.module("demo_core").orElseThrow();
        assertAll(
                () -> assertEquals(Errno.EBUSY, e.errno()),
                () -> assertEquals("Module demo_core refused to exit: EBUSY", e.getMessage()),
                () -> assertEquals(1, code.fallibleExits.get(), "the generic code asked the module, not its refcount"),
                () -> assertEquals(0, code.voidExits.get()),
                () -> assertEquals(List.of("GOING:get=false"), code.seenWhileExiting, "no reference while it decides"),
                () -> assertEquals(ModuleState.LIVE, after.state()),
                () -> assertEquals(1, after.refcount()),
                () -> assertEquals(before, kernel.snapshot()));
        // Usable: callers still get references, and a new module links against its exports.
        assertTrue(kernel.tryModuleGet("demo_core"));
        ModuleView user = load(kernel, "demo_user", ModuleHooks.recording());
        assertEquals(List.of("demo_core"), user.uses());
    }

    /** crc32's way, as the seed has it: with no reference held anywhere, the module keeps itself loaded. */
    @Test
    void underExitMayFailAModuleKeepsItselfLoadedWithNoReferenceHeld() {
        Kernel kernel = boot(UnloadPolicy.EXIT_MAY_FAIL);
        Stubborn code = new Stubborn();
        load(kernel, "hello", code);
        for (int attempt = 0; attempt < 3; attempt++) {
            KernelException e = assertThrows(KernelException.class, () -> kernel.deleteModule("hello", false));
            assertEquals(Errno.EBUSY, e.errno());
        }
        ModuleView m = kernel.module("hello").orElseThrow();
        assertAll(
                () -> assertEquals(ModuleState.LIVE, m.state()),
                () -> assertEquals(0, m.refcount(), "nothing outside the module says why it stays"),
                () -> assertEquals(List.of(), m.usedBy()),
                () -> assertEquals(3, code.fallibleExits.get()));
        code.refusing = false;
        kernel.deleteModule("hello", false);
        assertEquals(List.of(), kernel.modules());
        assertEquals(0, kernel.memoryInUse());
    }

    @Test
    void underLinuxTheSameModuleIsUnloadedOnceItsReferencesDrop() {
        Kernel kernel = boot(UnloadPolicy.LINUX);
        Stubborn code = new Stubborn();
        load(kernel, "demo_core", code);
        assertTrue(kernel.tryModuleGet("demo_core"));

        KernelException held = assertThrows(KernelException.class, () -> kernel.deleteModule("demo_core", false));
        assertAll(
                () -> assertEquals(Errno.EWOULDBLOCK, held.errno(), "refused from outside, by the reference"),
                () -> assertEquals(0, code.voidExits.get() + code.fallibleExits.get(), "the module was not asked"));

        kernel.modulePut("demo_core");
        kernel.deleteModule("demo_core", false);
        assertAll(
                () -> assertEquals(Optional.empty(), kernel.module("demo_core")),
                () -> assertEquals(1, code.voidExits.get(), "its exit ran, and could not refuse"),
                () -> assertEquals(0, code.fallibleExits.get()),
                () -> assertEquals(0, kernel.memoryInUse()));
    }

    /** The other side of the same coin: the generic code no longer protects callers' references. */
    @Test
    void underExitMayFailAnAgreeingExitUnloadsAModuleACallerStillReferences() {
        Kernel kernel = boot(UnloadPolicy.EXIT_MAY_FAIL);
        Stubborn code = new Stubborn();
        code.refusing = false;
        load(kernel, "hello", code);
        assertTrue(kernel.tryModuleGet("hello"));
        kernel.deleteModule("hello", false);
        KernelException dangling = assertThrows(KernelException.class, () -> kernel.modulePut("hello"));
        assertAll(
                () -> assertEquals(Optional.empty(), kernel.module("hello")),
                () -> assertEquals(Errno.ENOENT, dangling.errno()),
                () -> assertEquals("", kernel.taints().replace("O", "").replace("E", ""), "not a forced unload"));
    }

    @Test
    void underExitMayFailModulesUsingItStillRefuseItsUnloadWithoutAskingIt() {
        Kernel kernel = boot(UnloadPolicy.EXIT_MAY_FAIL);
        Stubborn code = new Stubborn();
        code.refusing = false;
        load(kernel, "demo_core", code);
        load(kernel, "demo_user", ModuleHooks.recording());
        KernelException e = assertThrows(KernelException.class, () -> kernel.deleteModule("demo_core", false));
        assertAll(
                () -> assertEquals(Errno.EWOULDBLOCK, e.errno()),
                () -> assertEquals("Module demo_core is in use by: demo_user", e.getMessage()),
                () -> assertEquals(0, code.fallibleExits.get()));
    }

    @Test
    void forceUnloadsAgainstARefusalAndTaints() {
        Kernel kernel = boot(UnloadPolicy.EXIT_MAY_FAIL);
        Stubborn code = new Stubborn();
        load(kernel, "hello", code);
        assertFalse(kernel.taints().contains("R"));
        kernel.deleteModule("hello", true);
        assertAll(
                () -> assertEquals(Optional.empty(), kernel.module("hello")),
                () -> assertEquals(1, code.fallibleExits.get()),
                () -> assertTrue(kernel.taints().contains("R"), kernel.taints()),
                () -> assertEquals(0, kernel.memoryInUse()));
    }
}
