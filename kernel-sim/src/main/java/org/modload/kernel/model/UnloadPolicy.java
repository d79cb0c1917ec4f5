package org.modload.kernel.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * Who decides that a module may be unloaded, chosen at boot: the other half of the 2002 debate.
 * Roman Zippel asked to "allow module exit to fail"; Linux kept a void exit and gates unloading
 * from outside, by the references callers take with {@code try_module_get()}.
 */
public enum UnloadPolicy {
    /**
     * Linux: {@code delete_module} refuses while other modules use the module or references are
     * held; once it proceeds, the module's exit runs and cannot refuse (its result is ignored:
     * {@code void cleanup_module(void)}).
     */
    LINUX("linux"),
    /**
     * Zippel's proposal: the generic code still refuses while other modules link against the
     * module, but does not count references; it asks the module's exit, which may return an
     * error. Then {@code delete_module} returns that error and the module stays LIVE with its
     * references and dependencies as they were. An exit that agrees unloads the module even if
     * callers still hold references: tracking them is the module's business under this policy.
     */
    EXIT_MAY_FAIL("exit-may-fail");

    private final String spelling;

    UnloadPolicy(String spelling) {
        this.spelling = spelling;
    }

    /** How options spell it: {@code linux}, {@code exit-may-fail}. */
    public String spelling() {
        return spelling;
    }

    /** The policy spelled {@code word}, or empty. */
    public static Optional<UnloadPolicy> named(String word) {
        return Arrays.stream(values()).filter(p -> p.spelling.equals(word)).findFirst();
    }
}
