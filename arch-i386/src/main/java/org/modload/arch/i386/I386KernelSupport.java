package org.modload.arch.i386;

import java.util.OptionalLong;

import org.modload.loader.spi.KernelSupport;

/**
 * The kernel side of an i386 module load. Linux's {@code module_finalize()} work on x86
 * (alternatives, retpolines, return thunks, ORC, SMP lock prefixes) patches code but registers
 * nothing a simulated kernel keeps; what differs from the generic kernel is per-cpu memory:
 * x86_32 reserves none for modules in the first per-cpu chunk ({@code PERCPU_FIRST_CHUNK_RESERVE}
 * is 0 there, "anything can address anywhere"), so their per-cpu data comes from the dynamic
 * per-cpu allocator. Stateless.
 */
final class I386KernelSupport implements KernelSupport {
    /** The one instance; it has no state. */
    static final I386KernelSupport INSTANCE = new I386KernelSupport();

    private I386KernelSupport() {
    }

    @Override
    public OptionalLong percpuModuleReserve() {
        return OptionalLong.empty();
    }
}
