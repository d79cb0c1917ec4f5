package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.ModuleHooks;
import org.modload.kernel.TestKernels;
import org.modload.kernel.Watchdog;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.ModuleView;
import org.modload.loader.elf.Machine;

/**
 * Many threads take and drop references (try_module_get/module_put) while others unload and
 * reload the module: an unload must never happen while a reference is held. The exit hook
 * checks the count of references the getters hold at that moment.
 */
class RefcountConcurrencyTest {
    private static final int GETTERS = 4;
    private static final int UNLOADERS = 2;
    private static final int UNLOAD_ROUNDS = 500;

    @Test
    void noUnloadWhileAReferenceIsHeld() throws Exception {
        Kernel kernel = Kernel.boot(TestKernels.builtin(Machine.EM_X86_64));
        AtomicInteger held = new AtomicInteger();
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger unloads = new AtomicInteger();
        AtomicInteger gets = new AtomicInteger();
        AtomicInteger unloadersLeft = new AtomicInteger(UNLOADERS);
        ModuleHooks hooks = new ModuleHooks() {
            @Override
            public int init(Kernel k, ModuleView m) {
                return 0;
            }

            @Override
            public void exit(Kernel k, ModuleView m) {
                if (held.get() != 0) {
                    violations.incrementAndGet();
                }
            }
        };
        LoadOptions options = LoadOptions.defaults().withHooks(hooks);
        kernel.load("hello.ko", Samples.x86_64("hello"), options);
        assertTrue(kernel.tryModuleGet("hello"), "LIVE after load");
        kernel.modulePut("hello");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(GETTERS + UNLOADERS);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < GETTERS; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                while (unloadersLeft.get() > 0) {
                    if (kernel.tryModuleGet("hello")) {
                        held.incrementAndGet();
                        gets.incrementAndGet();
                        Thread.onSpinWait();
                        held.decrementAndGet();
                        kernel.modulePut("hello");
                    }
                    // try_module_get takes no lock, so getters that never pause would hold the
                    // module all the time and no unload would ever find it free.
                    LockSupport.parkNanos(20_000);
                }
                return null;
            }));
        }
        for (int t = 0; t < UNLOADERS; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < UNLOAD_ROUNDS; i++) {
                    try {
                        kernel.deleteModule("hello", false);
                        unloads.incrementAndGet();
                    } catch (KernelException e) {
                        if (e.errno() != Errno.EWOULDBLOCK && e.errno() != Errno.ENOENT && e.errno() != Errno.EBUSY) {
                            throw e;
                        }
                    }
                    try {
                        kernel.load("hello.ko", Samples.x86_64("hello"), options);
                    } catch (KernelException e) {
                        if (e.errno() != Errno.EEXIST) {
                            throw e;
                        }
                    }
                }
                unloadersLeft.decrementAndGet();
                return null;
            }));
        }
        start.countDown();
        Watchdog.await(futures, Duration.ofMinutes(2));
        pool.shutdown();
        System.out.printf("refcount stress: %d references taken, %d unloads, %d violations%n", gets.get(),
                unloads.get(), violations.get());
        assertEquals(0, violations.get());
        assertTrue(unloads.get() > 0, "no unload succeeded: the test did not exercise unloading");
        assertTrue(gets.get() > 0, "no reference was taken");
        assertEquals(0, kernel.module("hello").map(ModuleView::refcount).orElse(0));
    }
}
