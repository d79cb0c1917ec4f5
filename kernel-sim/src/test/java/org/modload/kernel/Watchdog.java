package org.modload.kernel;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a concurrency test's workers with a deadline; when they miss it (a deadlock, a lost
 * wake-up) it fails the test with a dump of every thread, blocked and waiting ones first, and
 * interrupts the workers so that the run ends. (Thread stacks come from java.base alone: the
 * tests run inside the kernel's module, which does not read java.management.)
 */
public final class Watchdog {
    private Watchdog() {
    }

    /**
     * Waits until every future is done, at most {@code deadline} in all.
     *
     * @throws AssertionError with the thread dump when the deadline passes
     * @throws ExecutionException when a worker failed (its cause is the worker's exception)
     */
    public static void await(List<? extends Future<?>> workers, Duration deadline)
            throws ExecutionException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        for (Future<?> f : workers) {
            try {
                f.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                String dump = dump();
                workers.forEach(w -> w.cancel(true));
                throw new AssertionError("workers did not finish within " + deadline + "; threads:\n" + dump);
            }
        }
    }

    /** Every live thread's state and stack, the threads blocked on a lock first. */
    public static String dump() {
        StringBuilder sb = new StringBuilder();
        Thread.getAllStackTraces().entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<Thread, StackTraceElement[]> e) -> e.getKey().getState() == Thread.State.RUNNABLE)
                        .thenComparing(e -> e.getKey().getName()))
                .forEach(e -> {
                    Thread t = e.getKey();
                    sb.append('"').append(t.getName()).append("\" id=").append(t.getId()).append(' ').append(t.getState())
                            .append('\n');
                    for (StackTraceElement f : e.getValue()) {
                        sb.append("\tat ").append(f).append('\n');
                    }
                });
        return sb.toString();
    }
}
