package org.modload.arch.ia64;

/**
 * Linux's choice of a module's gp, restated from {@code arch/ia64/kernel/module.c}
 * ({@code module_finalize}: "gp = core base + core size / 2, or core end - MAX_LTOFF / 2 for
 * cores larger than MAX_LTOFF", rounded up to 8) for the tests' expected values, independently
 * of the plugin's code; and {@code gp_addressable}: within a 22-bit signed offset of gp.
 */
final class LinuxGp {
    /** MAX_LTOFF: 4 MiB. */
    static final long MAX_LTOFF = 4L << 20;

    private LinuxGp() {
    }

    static long of(long coreBase, long coreSize) {
        long off = coreSize > MAX_LTOFF ? coreSize - MAX_LTOFF / 2 : coreSize / 2;
        return coreBase + ((off + 7) & -8L);
    }

    static boolean addressable(long value, long gp) {
        long d = value - gp;
        return d >= -(2L << 20) && d < (2L << 20);
    }
}
