package org.modload.kernel.insmod;

/**
 * Asked by 2.4's insmod after each of its steps, on its thread, whether it dies there (a
 * simulated SIGKILL: it makes no further call, cleans nothing up). A test may also act there as
 * another process would, e.g. unload a module insmod linked against.
 */
@FunctionalInterface
public interface Checkpoint {

    /** Whether insmod is killed now, {@code step} having just completed. */
    boolean killedAfter(InsmodStep step);

    /** insmod runs to its end. */
    static Checkpoint never() {
        return step -> false;
    }
}
