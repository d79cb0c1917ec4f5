package org.modload.kernel.model;

/**
 * Taint flags a module can carry, with /proc/modules' letters, in Linux's bit order
 * ({@code STAGING} is TAINT_CRAP, 'C': a module from drivers/staging, modinfo {@code staging=Y}).
 */
public enum Taint {
    PROPRIETARY('P'), FORCED_LOAD('F'), FORCED_UNLOAD('R'), STAGING('C'), OUT_OF_TREE('O'), UNSIGNED('E');

    private final char letter;

    Taint(char letter) {
        this.letter = letter;
    }

    /** The letter /proc/modules and /proc/sys/kernel/tainted's decoders print. */
    public char letter() {
        return letter;
    }
}
