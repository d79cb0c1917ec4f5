package org.modload.loader.testing.exec;

/** What happened to one cell on the engine side. */
public sealed interface Outcome {

    /** The image ran with the expected output, and every site check and ld comparison held. */
    record Passed(String detail) implements Outcome {
    }

    /** The engine refused to link; {@code message} is its located error line. */
    record Refused(String message) implements Outcome {
    }

    /** Linked, but the run or a check went wrong; {@code reason} says how (several joined by "; "). */
    record Failed(String reason) implements Outcome {
    }
}
