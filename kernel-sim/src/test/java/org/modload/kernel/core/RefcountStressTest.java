package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.ModuleHooks;
import org.modload.kernel.TestKernels;
import org.modload.kernel.Watchdog;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.ModuleState;
import org.modload.kernel.model.ModuleView;
import org.modload.loader.elf.Machine;

/**
 * A bounded stress of the reference count and unload protocol: getters run try_module_get /
 * module_put on every module while churners insmod and rmmod (without force) an exporter
 * (demo_core), three modules that use it (demo_user, demo_usr2, demo_usr3: its dependents) and an
 * independent one (hello), and an observer reads the module list. A violation is any of: a
 * module's exit running while a getter holds a reference to it, or while one of its dependents is
 * listed; a held module not LIVE; a LIVE module whose reference count is negative or below its
 * number of users (each ref_module edge holds one), a GOING one below -1 (Linux's
 * module_refcount() of a module on its way out); a module_put that fails; an errno outside those
 * the calls document for the race (insmod: EEXIST, ENOENT for an exporter not LIVE; rmmod:
 * ENOENT, EWOULDBLOCK, EBUSY). At the end every count must be exactly what the remaining users
 * hold, and everything must unload. The watchdog fails the run with a thread dump on a deadlock.
 *
 * <p>Default: {@value #DEFAULT_SECONDS} s; {@code -Dmodload.stress.seconds=N} runs longer and
 * {@code -Dmodload.stress.getters=N} / {@code -Dmodload.stress.churners=N} change the threads.
 */
class RefcountStressTest {
    private static final int DEFAULT_SECONDS = 3;
    private static final String CORE = "demo_core";
    private static final List<String> USERS = List.of("demo_user", "demo_usr2", "demo_usr3");
    private static final String HELLO = "hello";
    private static final List<String> ALL = List.of(CORE, "demo_user", "demo_usr2", "demo_usr3", HELLO);
    private static final Set<Errno> LOAD_RACES = EnumSet.of(Errno.EEXIST, Errno.ENOENT);
    private static final Set<Errno> UNLOAD_RACES = EnumSet.of(Errno.ENOENT, Errno.EWOULDBLOCK, Errno.EBUSY);

    private final Map<String, byte[]> images = new LinkedHashMap<>();
    /** References getters hold now, per module name (incremented after a get, decremented before the put). */
    private final Map<String, AtomicInteger> held = new ConcurrentHashMap<>();
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    private void count(String what) {
        counts.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    private void violation(String what) {
        if (violations.size() < 50) {
            violations.add(what);
        }
    }

    /** The exit checks: nobody may hold a reference, and an exporter may have no listed dependent. */
    private final ModuleHooks hooks = new ModuleHooks() {
        @Override
        public int init(Kernel kernel, ModuleView module) {
            return 0;
        }

        @Override
        public void exit(Kernel kernel, ModuleView module) {
            int h = held.get(module.name()).get();
            if (h != 0) {
                violation("exit of " + module.name() + " while getters hold " + h + " references");
            }
            if (module.name().equals(CORE)) {
                for (String u : USERS) {
                    if (kernel.module(u).isPresent()) {
                        violation("exit of " + CORE + " while its dependent " + u + " is listed");
                    }
                }
            }
        }
    };

    private static int property(String name, int fallback) {
        return Integer.getInteger(name, fallback);
    }

    @Test
    void referencesUnloadsAndDependentsRaceWithoutViolationOrDeadlock() throws Exception {
        int seconds = property("modload.stress.seconds", DEFAULT_SECONDS);
        int getters = property("modload.stress.getters", 4);
        int churners = property("modload.stress.churners", 2);
        images.put(CORE, bytes(Samples.x86_64(CORE)));
        for (String u : USERS) {
            images.put(u, bytes(UnloadUsersOrderTest.renamedUser(u)));
        }
        images.put(HELLO, bytes(Samples.x86_64(HELLO)));
        ALL.forEach(n -> held.put(n, new AtomicInteger()));

        Kernel kernel = TestKernels.boot(Machine.EM_X86_64);
        long memoryAtBoot = kernel.memoryInUse();
        for (String n : ALL) { // everything loaded to start with (the exporter first)
            kernel.load(n + ".ko", ByteBuffer.wrap(images.get(n)), LoadOptions.defaults().withHooks(hooks));
        }
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(getters + churners + 1);
        List<Future<?>> workers = new ArrayList<>();
        long started = System.nanoTime();
        try {
            for (int t = 0; t < getters; t++) {
                long seed = 1000 + t;
                workers.add(pool.submit(() -> getter(kernel, new SplittableRandom(seed), end)));
            }
            for (int t = 0; t < churners; t++) {
                long seed = 2000 + t;
                workers.add(pool.submit(() -> churner(kernel, new SplittableRandom(seed), end)));
            }
            workers.add(pool.submit(() -> observer(kernel, end)));
            Watchdog.await(workers, Duration.ofSeconds(seconds + 60L));
        } finally {
            pool.shutdownNow();
        }
        double elapsed = (System.nanoTime() - started) / 1e9;

        // No lost count: with every getter done, each module holds exactly its users' references.
        ALL.forEach(n -> assertEquals(0, held.get(n).get(), n));
        for (ModuleView v : kernel.modules()) {
            assertEquals(ModuleState.LIVE, v.state(), v.name());
            assertEquals(v.usedBy().size(), v.refcount(), v.name() + " used by " + v.usedBy());
        }
        // And everything unloads, dependents first, leaving the memory of a kernel just booted.
        for (String n : List.of("demo_user", "demo_usr2", "demo_usr3", CORE, HELLO)) {
            if (kernel.module(n).isPresent()) {
                kernel.deleteModule(n, false);
            }
        }
        assertEquals(List.of(), kernel.modules());
        assertEquals(memoryAtBoot, kernel.memoryInUse());

        long ops = counts.entrySet().stream().filter(e -> !e.getKey().startsWith("observe"))
                .mapToLong(e -> e.getValue().sum()).sum();
        System.out.printf("refcount stress: %d getters + %d churners + 1 observer, %.1f s, %d operations (%.0f/s), %s, "
                + "violations %d%n", getters, churners, elapsed, ops, ops / elapsed, new java.util.TreeMap<>(counts),
                violations.size());
        assertTrue(violations.isEmpty(), String.join("\n", violations));
        // The run must have exercised the races it is about, not only refusals.
        for (String k : List.of("get ok", "get refused", "insmod ok", "rmmod ok", "rmmod EWOULDBLOCK")) {
            assertTrue(counts.containsKey(k) && counts.get(k).sum() > 0, k + " never happened: " + counts);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    private void getter(Kernel kernel, SplittableRandom random, long end) {
        while (System.nanoTime() < end) {
            String name = ALL.get(random.nextInt(ALL.size()));
            if (!kernel.tryModuleGet(name)) {
                count("get refused");
                // Leave the CPU to the churners (the machine may have 2 cores for 7 threads).
                LockSupport.parkNanos(20_000);
                continue;
            }
            held.get(name).incrementAndGet();
            count("get ok");
            checkHeld(kernel, name);
            for (int spin = random.nextInt(50); spin > 0; spin--) {
                Thread.onSpinWait();
            }
            if (random.nextInt(8) == 0) {
                Thread.yield();
            }
            checkHeld(kernel, name);
            held.get(name).decrementAndGet();
            try {
                kernel.modulePut(name);
                count("put ok");
            } catch (KernelException e) {
                violation("module_put of a held " + name + ": " + e.getMessage());
            }
        }
    }

    private void checkHeld(Kernel kernel, String name) {
        Optional<ModuleView> v = kernel.module(name);
        if (v.isEmpty() || v.get().state() != ModuleState.LIVE || v.get().refcount() < 1) {
            violation("held " + name + " is " + v.map(x -> x.state() + " refcount " + x.refcount()).orElse("gone"));
        }
    }

    private void churner(Kernel kernel, SplittableRandom random, long end) {
        while (System.nanoTime() < end) {
            String name = ALL.get(random.nextInt(ALL.size()));
            if (random.nextBoolean()) {
                try {
                    kernel.load(name + ".ko", ByteBuffer.wrap(images.get(name)), LoadOptions.defaults().withHooks(hooks));
                    count("insmod ok");
                } catch (KernelException e) {
                    count("insmod " + e.errno());
                    if (!LOAD_RACES.contains(e.errno())) {
                        violation("insmod " + name + ": " + e.errno() + " " + e.getMessage());
                    }
                }
            } else {
                try {
                    kernel.deleteModule(name, false);
                    count("rmmod ok");
                } catch (KernelException e) {
                    count("rmmod " + e.errno());
                    if (!UNLOAD_RACES.contains(e.errno())) {
                        violation("rmmod " + name + ": " + e.errno() + " " + e.getMessage());
                    }
                }
            }
        }
    }

    private void observer(Kernel kernel, long end) {
        while (System.nanoTime() < end) {
            for (ModuleView v : kernel.modules()) {
                count("observe");
                boolean bad = switch (v.state()) {
                    case LIVE -> v.refcount() < v.usedBy().size();
                    case GOING -> v.refcount() < -1;
                    default -> v.refcount() < 0;
                };
                if (bad) {
                    violation(v.name() + " " + v.state() + " refcount " + v.refcount() + " with users " + v.usedBy());
                }
            }
            LockSupport.parkNanos(100_000);
        }
    }
}
