package org.modload.kernel.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * Which module-loading system calls a kernel has, chosen at boot: the 2002 debate between the
 * in-kernel loader Linux took (Rusty Russell's patch, 2.5.48) and the two calls of 2.4.
 */
public enum LoadPolicy {
    /**
     * Linux since 2.6: one {@code init_module(image)} call takes the whole object; the kernel
     * validates, lays out, resolves and relocates it, and either the module is LIVE afterwards
     * or nothing of it remains. {@code create_module} and {@code query_module} are ENOSYS.
     */
    LINUX("linux"),
    /**
     * Linux 2.4: {@code create_module(name, size)} reserves memory and a list entry that lsmod
     * shows as uninitialized; insmod, in userspace, resolves against {@code query_module}'s
     * symbols and relocates at the reserved address; {@code init_module(name, image)} copies the
     * image in and runs init. A caller that stops between the two calls leaves the reservation
     * behind. The one-call {@code init_module(image)} is ENOSYS.
     */
    LEGACY_2_4("legacy-2.4");

    private final String spelling;

    LoadPolicy(String spelling) {
        this.spelling = spelling;
    }

    /** How options spell it: {@code linux}, {@code legacy-2.4}. */
    public String spelling() {
        return spelling;
    }

    /** The policy spelled {@code word}, or empty. */
    public static Optional<LoadPolicy> named(String word) {
        return Arrays.stream(values()).filter(p -> p.spelling.equals(word)).findFirst();
    }
}
