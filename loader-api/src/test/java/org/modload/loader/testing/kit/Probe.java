package org.modload.loader.testing.kit;

import java.util.Objects;

import org.opentest4j.TestAbortedException;

/**
 * One thing a check verifies, run as one JUnit test. The body returns what it verified (a
 * non-empty phrase); it throws an {@link AssertionError} for a problem and a
 * {@link TestAbortedException} (an assumption) for "does not apply here". Anything else it throws
 * is a problem too.
 */
record Probe(KitCheck check, String name, Body body) {

    /** What a probe does. */
    @FunctionalInterface
    interface Body {
        String run() throws Exception;
    }

    Probe {
        Objects.requireNonNull(check);
        Objects.requireNonNull(name);
        Objects.requireNonNull(body);
    }

    /** A probe that fails with {@code message} when run. */
    static Probe failing(KitCheck check, String name, String message) {
        return new Probe(check, name, () -> {
            throw new AssertionError(message);
        });
    }

    /** A probe that is skipped with {@code reason} when run. */
    static Probe skipped(KitCheck check, String name, String reason) {
        return new Probe(check, name, () -> {
            throw new TestAbortedException(reason);
        });
    }

    /** Runs the body. */
    Outcome execute() {
        try {
            String detail = body.run();
            if (detail == null || detail.isBlank()) {
                return new Outcome.Failed(name + ": ran but says it verified nothing", null);
            }
            return new Outcome.Passed(detail);
        } catch (TestAbortedException e) {
            return new Outcome.Skipped(e.getMessage() == null ? "aborted" : e.getMessage());
        } catch (AssertionError e) {
            return new Outcome.Failed(String.valueOf(e.getMessage()), e);
        } catch (Exception | LinkageError e) {
            return new Outcome.Failed(e.getClass().getName() + ": " + e.getMessage(), e);
        }
    }
}
