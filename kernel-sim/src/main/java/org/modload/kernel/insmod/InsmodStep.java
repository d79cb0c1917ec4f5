package org.modload.kernel.insmod;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The steps of 2.4's insmod after which it may die, each ending with a system call or the link between them. */
public enum InsmodStep {
    /** query_module returned the symbols to link against; nothing is reserved yet. */
    QUERY_MODULE,
    /** create_module reserved the name and memory; the image is not relocated yet. */
    CREATE_MODULE,
    /** The image is relocated in userspace at the reserved address; init_module not yet called. */
    RELOCATE;

    /** How the command line spells it: {@code query_module}, {@code create_module}, {@code relocate}. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The step spelled {@code word}, or empty. */
    public static Optional<InsmodStep> named(String word) {
        return Arrays.stream(values()).filter(s -> s.spelling().equals(word)).findFirst();
    }
}
