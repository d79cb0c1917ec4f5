package org.modload.loader.testing.kit;

import java.util.Objects;

import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** How one probe of the kit ended. */
public sealed interface Outcome {

    /** The probe ran and found what it must; {@code detail} says what it verified ("41 rows"). */
    record Passed(String detail) implements Outcome {
        public Passed {
            Objects.requireNonNull(detail);
        }
    }

    /** The probe ran and found a problem; {@code message} says which, {@code cause} is what was thrown. */
    record Failed(String message, Throwable cause) implements Outcome {
        public Failed {
            Objects.requireNonNull(message);
        }
    }

    /** The probe did not run: a tool is missing on a developer machine, or the check does not apply. */
    record Skipped(String reason) implements Outcome {
        public Skipped {
            Objects.requireNonNull(reason);
        }
    }

    /** For JUnit: nothing for a pass, the failure as an assertion error, a skip as an aborted test. */
    default void report() {
        if (this instanceof Failed f) {
            if (f.cause() instanceof AssertionError a && f.message().equals(a.getMessage())) {
                throw a;
            }
            throw new AssertionFailedError(f.message(), f.cause());
        }
        if (this instanceof Skipped s) {
            throw new TestAbortedException(s.reason());
        }
    }
}
