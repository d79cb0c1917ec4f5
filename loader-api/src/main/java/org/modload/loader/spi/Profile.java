package org.modload.loader.spi;

/** Which relocations an architecture accepts and how strictly it checks them. */
public enum Profile {
    /** Exactly what the Linux module loader of the architecture accepts, with its checks. */
    KERNEL,
    /**
     * Also what ordinary {@code .o} files carry (GOT-relative, PLT to far targets through stubs),
     * building tables as a JIT linker does.
     */
    PERMISSIVE
}
