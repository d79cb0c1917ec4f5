package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
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
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.LoadPhase;
import org.modload.kernel.model.ModuleState;
import org.modload.kernel.model.ModuleView;
import org.modload.loader.elf.Machine;
import org.modload.loader.spi.Architectures;

/**
 * Loads overlap as in Linux: one load held inside a phase that runs without the module mutex
 * does not stop another load; one held where the mutex is taken does. A name loaded twice at
 * once is EEXIST for the second once the first is LIVE (and loads if the first fails); a load
 * needing an exporter still in its init waits for it, and gives up after the symbol wait.
 */
class ConcurrentLoadTest {
    /** Long enough for a load of a sample that is not held up to finish many times over. */
    private static final long QUIET_MS = 300;
    private static final long DONE_S = 30;

    private final Kernel kernel = TestKernels.boot(Machine.EM_X86_64);
    private final CountDownLatch paused = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void letGo() {
        release.countDown();
    }

    /** Holds the load entering {@code phase} until {@link #release}. */
    private FaultInjection pauseAt(LoadPhase phase, Optional<Errno> then) {
        return p -> {
            if (p != phase) {
                return Optional.empty();
            }
            paused.countDown();
            try {
                assertTrue(release.await(DONE_S, TimeUnit.SECONDS), "never released");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return then;
        };
    }

    private CompletableFuture<ModuleView> async(String name, LoadOptions options) {
        return CompletableFuture.supplyAsync(() -> kernel.load(name + ".ko", Samples.x86_64(name), options));
    }

    private static <T> T done(CompletableFuture<T> f) throws Exception {
        return f.get(DONE_S, TimeUnit.SECONDS);
    }

    private static void stillRunning(CompletableFuture<?> f) throws Exception {
        assertThrows(TimeoutException.class, () -> f.get(QUIET_MS, TimeUnit.MILLISECONDS));
    }

    /** Every phase but LIVE runs without the mutex (INIT is run by the facade, after formation). */
    @ParameterizedTest
    @EnumSource(value = LoadPhase.class, names = "LIVE", mode = EnumSource.Mode.EXCLUDE)
    void aLoadHeldOutsideTheMutexLetsAnotherLoadFinish(LoadPhase phase) throws Exception {
        CompletableFuture<ModuleView> held = async("demo_core",
                LoadOptions.defaults().withFaults(pauseAt(phase, Optional.empty())));
        assertTrue(paused.await(DONE_S, TimeUnit.SECONDS));
        ModuleView hello = done(async("hello", LoadOptions.defaults()));
        assertEquals(ModuleState.LIVE, hello.state());
        boolean formed = EnumSet.of(LoadPhase.INIT).contains(phase);
        assertEquals(formed ? List.of("hello", "demo_core") : List.of("hello"),
                kernel.modules().stream().map(ModuleView::name).toList(), "an UNFORMED module is not listed");
        release.countDown();
        assertEquals(ModuleState.LIVE, done(held).state());
    }

    /** The contrast that shows the test above can fail: LIVE is entered with the mutex held. */
    @Test
    void aLoadHeldInsideTheMutexHoldsOtherLoads() throws Exception {
        CompletableFuture<ModuleView> held = async("demo_core",
                LoadOptions.defaults().withFaults(pauseAt(LoadPhase.LIVE, Optional.empty())));
        assertTrue(paused.await(DONE_S, TimeUnit.SECONDS));
        CompletableFuture<ModuleView> other = async("hello", LoadOptions.defaults());
        stillRunning(other);
        release.countDown();
        assertEquals(ModuleState.LIVE, done(held).state());
        assertEquals(ModuleState.LIVE, done(other).state());
    }

    @Test
    void aNameLoadedTwiceAtOnceIsEexistForTheSecondOnceTheFirstIsLive() throws Exception {
        CompletableFuture<ModuleView> first = async("hello",
                LoadOptions.defaults().withFaults(pauseAt(LoadPhase.RELOCATE, Optional.empty())));
        assertTrue(paused.await(DONE_S, TimeUnit.SECONDS));
        CompletableFuture<ModuleView> second = async("hello", LoadOptions.defaults());
        stillRunning(second); // add_unformed_module waits: the first may still fail
        release.countDown();
        assertEquals(ModuleState.LIVE, done(first).state());
        ExecutionException e = assertThrows(ExecutionException.class, () -> done(second));
        KernelException k = (KernelException) e.getCause();
        assertAll(
                () -> assertEquals(Errno.EEXIST, k.errno()),
                () -> assertEquals(Optional.of(LoadPhase.ALLOCATE), k.phase()),
                () -> assertEquals("Module hello is already loaded", k.getMessage()));
        assertEquals(1, kernel.snapshot().allocations(), "the refused load's memory is free again");
    }

    @Test
    void aNameLoadedTwiceAtOnceLoadsTheSecondWhenTheFirstFails() throws Exception {
        CompletableFuture<ModuleView> first = async("hello",
                LoadOptions.defaults().withFaults(pauseAt(LoadPhase.EXPORTS, Optional.of(Errno.EINVAL))));
        assertTrue(paused.await(DONE_S, TimeUnit.SECONDS));
        CompletableFuture<ModuleView> second = async("hello", LoadOptions.defaults());
        stillRunning(second);
        release.countDown();
        ExecutionException e = assertThrows(ExecutionException.class, () -> done(first));
        assertEquals(Errno.EINVAL, ((KernelException) e.getCause()).errno());
        assertEquals(ModuleState.LIVE, done(second).state());
    }

    /** demo_core whose init waits for {@link #release}, then returns {@code ret}. */
    private ModuleHooks initWaits(int ret) {
        return new ModuleHooks() {
            @Override
            public int init(Kernel k, ModuleView m) {
                paused.countDown();
                try {
                    assertTrue(release.await(DONE_S, TimeUnit.SECONDS), "never released");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return ret;
            }

            @Override
            public void exit(Kernel k, ModuleView m) {
                // nothing to undo
            }
        };
    }

    @Test
    void aLoadWaitsForAnExporterStillInItsInit() throws Exception {
        CompletableFuture<ModuleView> core = async("demo_core", LoadOptions.defaults().withHooks(initWaits(0)));
        assertTrue(paused.await(DONE_S, TimeUnit.SECONDS));
        assertEquals(ModuleState.COMING, kernel.module("demo_core").orElseThrow().state());
        CompletableFuture<ModuleView> user = async("demo_user", LoadOptions.defaults());
        stillRunning(user); // resolve_symbol_wait: demo_register's owner is COMING
        release.countDown();
        assertEquals(ModuleState.LIVE, done(core).state());
        assertEquals(ModuleState.LIVE, done(user).state());
        ModuleView after = kernel.module("demo_core").orElseThrow();
        assertEquals(List.of("demo_user"), after.usedBy());
        assertEquals(1, after.refcount());
    }

    @Test
    void anExporterWhoseInitFailsLeavesTheWaitingLoadAnUnknownSymbol() throws Exception {
        CompletableFuture<ModuleView> core = async("demo_core",
                LoadOptions.defaults().withHooks(initWaits(-Errno.ENOMEM.number())));
        assertTrue(paused.await(DONE_S, TimeUnit.SECONDS));
        CompletableFuture<ModuleView> user = async("demo_user", LoadOptions.defaults());
        stillRunning(user);
        release.countDown();
        assertEquals(Errno.ENOMEM, ((KernelException) assertThrows(ExecutionException.class, () -> done(core))
                .getCause()).errno());
        KernelException e = (KernelException) assertThrows(ExecutionException.class, () -> done(user)).getCause();
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().startsWith("demo_user: Unknown symbol demo_register (err -2)"), e.getMessage());
        assertEquals(List.of(), kernel.modules());
        assertEquals(0, kernel.memoryInUse());
    }

    @Test
    void aLoadGivesUpWaitingAfterTheSymbolWait() throws Exception {
        Kernel impatient = Kernel.boot(TestKernels.builtin(Machine.EM_X86_64), Architectures.installed(),
                KernelParameters.defaults().withSymbolWait(Duration.ofMillis(50)));
        CompletableFuture<ModuleView> core = CompletableFuture.supplyAsync(() -> impatient.load("demo_core.ko",
                Samples.x86_64("demo_core"), LoadOptions.defaults().withHooks(initWaits(0))));
        assertTrue(paused.await(DONE_S, TimeUnit.SECONDS));
        KernelException e = assertThrows(KernelException.class,
                () -> impatient.load("demo_user.ko", Samples.x86_64("demo_user"), LoadOptions.defaults()));
        assertAll(
                () -> assertEquals(Errno.EBUSY, e.errno()),
                () -> assertEquals(Optional.of(LoadPhase.RESOLVE_SYMBOLS), e.phase()),
                () -> assertEquals("demo_user: gave up waiting for init of module demo_core: Unknown symbol demo_register"
                        + " (err -16)", e.getMessage()));
        assertFalse(core.isDone());
        release.countDown();
        assertEquals(ModuleState.LIVE, done(core).state());
        assertEquals(List.of(), impatient.module("demo_core").orElseThrow().usedBy());
    }
}
