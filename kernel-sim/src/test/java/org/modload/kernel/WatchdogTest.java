package org.modload.kernel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/** The watchdog fails a stuck run, with the stuck thread's stack in the message. */
class WatchdogTest {

    @Test
    void aStuckWorkerFailsWithAThreadDump() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "stuck-worker"));
        try {
            Future<?> stuck = pool.submit(() -> {
                never.await();
                return null;
            });
            AssertionError e = assertThrows(AssertionError.class, () -> Watchdog.await(List.of(stuck), Duration.ofMillis(200)));
            assertTrue(e.getMessage().contains("\"stuck-worker\"") && e.getMessage().contains("CountDownLatch.await"),
                    e.getMessage());
            assertTrue(stuck.isCancelled(), "the watchdog interrupts what it gave up on");
        } finally {
            never.countDown();
            pool.shutdownNow();
        }
    }
}
