package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.modload.kernel.Canonical;
import org.modload.kernel.Kernel;
import org.modload.kernel.KernelParameters;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.ModuleHooks;
import org.modload.kernel.TestKernels;
import org.modload.kernel.Watchdog;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.ModuleEvent;
import org.modload.kernel.model.ModuleView;
import org.modload.loader.elf.Machine;
import org.modload.loader.spi.Architectures;

/**
 * Threads load, unload and take references on overlapping module sets (hello, and the chain
 * demo_core &lt;- demo_user &lt;- demo_leaf), with inits that yield to widen the COMING window.
 * A watchdog fails the run with thread dumps if it stalls. Checked: no exit while a reference
 * is held, only the refusals Linux gives, no lost reference (every module's count is its
 * holders plus the references the threads still hold), and the final state equals a sequential
 * replay of the module list's changes (the kernel's trace, in mutex order) plus the references
 * still held, on a fresh kernel.
 */
class ModuleStressTest {
    private static final List<String> MODULES = List.of("hello", "demo_core", "demo_user", "demo_leaf");
    private static final int THREADS = 6;
    private static final int OPERATIONS = 1500;
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    /** What each operation may be refused with; anything else fails the run. */
    private static final Set<Errno> LOAD_REFUSALS = EnumSet.of(Errno.EEXIST, Errno.ENOENT);
    private static final Set<Errno> UNLOAD_REFUSALS = EnumSet.of(Errno.ENOENT, Errno.EWOULDBLOCK, Errno.EBUSY);

    private final Map<String, ByteBuffer> files = new TreeMap<>();
    private final Map<String, AtomicInteger> held = new ConcurrentHashMap<>();
    private final AtomicInteger exitsWhileHeld = new AtomicInteger();
    private final Map<Errno, AtomicLong> refusals = new ConcurrentHashMap<>();

    ModuleStressTest() {
        for (String m : MODULES) {
            files.put(m, Samples.x86_64(m));
            held.put(m, new AtomicInteger());
        }
    }

    private ModuleHooks hooks() {
        return new ModuleHooks() {
            @Override
            public int init(Kernel k, ModuleView m) {
                Thread.yield();
                return 0;
            }

            @Override
            public void exit(Kernel k, ModuleView m) {
                if (held.get(m.name()).get() != 0) {
                    exitsWhileHeld.incrementAndGet();
                }
            }
        };
    }

    private record Counts(long loads, long unloads, long gets, long puts, long refused) {
    }

    @Test
    void concurrentLoadsUnloadsAndReferencesEqualASequentialReplay() throws Exception {
        List<ModuleEvent> trace = Collections.synchronizedList(new ArrayList<>());
        Kernel kernel = Kernel.boot(TestKernels.builtin(Machine.EM_X86_64), Architectures.installed(),
                KernelParameters.defaults().withTrace(trace::add));
        LoadOptions options = LoadOptions.defaults().withHooks(hooks());
        AtomicLong loads = new AtomicLong();
        AtomicLong unloads = new AtomicLong();
        AtomicLong gets = new AtomicLong();
        AtomicLong puts = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        List<List<String>> stillHeld = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long began = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                SplittableRandom random = new SplittableRandom(0x5eed + t);
                // Overlapping sets: every thread works on three of the four modules.
                List<String> mine = new ArrayList<>(MODULES);
                mine.remove(t % MODULES.size());
                workers.add(pool.submit(() -> {
                    start.await();
                    List<String> refs = new ArrayList<>();
                    for (int i = 0; i < OPERATIONS; i++) {
                        String m = mine.get(random.nextInt(mine.size()));
                        int op = random.nextInt(10);
                        if (op < 4) {
                            try {
                                kernel.load(m + ".ko", files.get(m), options);
                                loads.incrementAndGet();
                            } catch (KernelException e) {
                                refuse(e, LOAD_REFUSALS, refused);
                            }
                        } else if (op < 7) {
                            try {
                                kernel.deleteModule(m, false);
                                unloads.incrementAndGet();
                            } catch (KernelException e) {
                                refuse(e, UNLOAD_REFUSALS, refused);
                            }
                        } else if (refs.isEmpty()) {
                            // A thread holds at most one reference, for a few operations: long
                            // enough to refuse unloads, short enough to let them happen.
                            if (kernel.tryModuleGet(m)) {
                                held.get(m).incrementAndGet();
                                refs.add(m);
                                gets.incrementAndGet();
                            }
                        } else {
                            String r = refs.remove(0);
                            held.get(r).decrementAndGet();
                            kernel.modulePut(r); // a held reference keeps the module: this must not fail
                            puts.incrementAndGet();
                        }
                    }
                    stillHeld.add(refs);
                    return null;
                }));
            }
            start.countDown();
            Watchdog.await(workers, DEADLINE);
        } finally {
            pool.shutdownNow();
        }
        Counts c = new Counts(loads.get(), unloads.get(), gets.get(), puts.get(), refused.get());
        System.out.printf("module stress: %d threads x %d operations in %.2f s: %s, refusals %s, %d list changes"
                + " traced%n", THREADS, OPERATIONS, (System.nanoTime() - began) / 1e9, c, new TreeMap<>(refusals),
                trace.size());
        assertEquals(0, exitsWhileHeld.get(), "an exit ran while a reference was held");
        assertTrue(c.loads() > 50 && c.unloads() > 50 && c.gets() > 50 && c.puts() > 50 && c.refused() > 50,
                "the run exercised every operation: " + c);
        assertTrue(refusals.keySet().containsAll(EnumSet.of(Errno.EEXIST, Errno.ENOENT, Errno.EWOULDBLOCK)),
                "the run met the refusals of racing loads, missing dependencies and held modules: " + refusals);

        Map<String, Integer> refsHeld = new TreeMap<>();
        stillHeld.forEach(l -> l.forEach(m -> refsHeld.merge(m, 1, Integer::sum)));
        for (ModuleView m : kernel.modules()) {
            assertEquals(m.usedBy().size() + refsHeld.getOrDefault(m.name(), 0), m.refcount(),
                    m.name() + ": a reference was lost or counted twice");
        }

        // The replay: the list's changes in mutex order, then the references still held.
        Kernel replay = TestKernels.boot(Machine.EM_X86_64);
        for (ModuleEvent e : trace) {
            if (e.kind() == ModuleEvent.Kind.LIVE) {
                replay.load(e.module() + ".ko", files.get(e.module()), LoadOptions.defaults());
            } else {
                replay.deleteModule(e.module(), false);
            }
        }
        refsHeld.forEach((m, n) -> {
            for (int i = 0; i < n; i++) {
                assertTrue(replay.tryModuleGet(m), m);
            }
        });
        assertEquals(Canonical.of(replay), Canonical.of(kernel));
        assertEquals(replay.snapshot().symbols(), kernel.snapshot().symbols());
    }

    private void refuse(KernelException e, Set<Errno> allowed, AtomicLong refused) {
        if (!allowed.contains(e.errno())) {
            throw new AssertionError("unexpected refusal " + e.errno() + ": " + e.getMessage(), e);
        }
        refusals.computeIfAbsent(e.errno(), k -> new AtomicLong()).incrementAndGet();
        refused.incrementAndGet();
    }
}
