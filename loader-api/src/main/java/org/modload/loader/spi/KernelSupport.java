package org.modload.loader.spi;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.elf.ElfFile;

/**
 * What an architecture adds to a kernel's module loader once the generic link is done: the
 * steps Linux keeps behind {@code module_finalize()}, {@code module_arch_freeing_init()},
 * {@code module_arch_cleanup()} and {@code dereference_module_function_descriptor()} in
 * {@code arch/ARCH/kernel/module.c}. A kernel calls it; the link engine never does, so that a
 * library user linking ordinary objects is not affected. Implementations are stateless and
 * thread-safe: one instance serves every load of a kernel, from several threads at once.
 * {@link #NONE} is an architecture that adds nothing.
 */
public interface KernelSupport {

    /** An architecture whose modules need no kernel-side step after relocation. */
    KernelSupport NONE = new KernelSupport() {
    };

    /**
     * {@code module_finalize()}: called once per load, after every relocation was applied and
     * before the module becomes visible to other modules, with the relocated image. Returns the
     * tables the architecture registers with the kernel for this module (ia64: its unwind
     * tables, split by the region of the code they describe); the kernel keeps them while the
     * module lives, drops those of the init region when init memory is released
     * ({@code module_arch_freeing_init}) and the rest when the module is freed
     * ({@code module_arch_cleanup}). Changes nothing.
     *
     * @param obj the module's object, for section types and names
     * @param memory the module's relocated memory; read only
     * @throws org.modload.loader.diag.LoaderException when a table the architecture reads is
     *     malformed (the kernel then refuses the load with ENOEXEC)
     */
    default List<RegisteredTable> finalizeModule(ElfFile obj, ModuleMemory memory) {
        return List.of();
    }

    /**
     * Called when the kernel reads a loaded module's export whose value is {@code address}: the
     * contents of the function descriptor there, when {@code address} is one in the module's own
     * memory (what an importing module's descriptor relocations need); empty otherwise, and
     * always empty on architectures without descriptors. Changes nothing; never throws.
     */
    default Optional<FunctionDescriptor> functionDescriptor(ModuleMemory memory, long address) {
        return Optional.empty();
    }

    /**
     * Whether a function symbol's value is the address of its descriptor {ip, gp} rather than
     * of its code (Linux's {@code HAVE_FUNCTION_DESCRIPTORS}); a simulated kernel then gives its
     * own functions descriptors. Constant.
     */
    default boolean functionDescriptors() {
        return false;
    }

    /**
     * How many bytes of per-cpu memory the kernel reserves for modules' static per-cpu data in
     * its first per-cpu chunk ({@code PERCPU_FIRST_CHUNK_RESERVE}; Linux's generic choice is
     * {@code PERCPU_MODULE_RESERVE}, 8 KiB); empty when the architecture reserves none and
     * modules' per-cpu data comes from the dynamic per-cpu allocator (x86_32, where any address
     * is reachable). A load whose per-cpu data does not fit fails with ENOMEM. Constant.
     */
    default OptionalLong percpuModuleReserve() {
        return OptionalLong.of(8 << 10);
    }

    /**
     * Where the kernel image's text starts on this architecture ({@code KERNEL_START}), for a
     * simulated kernel that has no image to read addresses from; empty lets the kernel choose
     * by ELF class. Constant.
     */
    default OptionalLong kernelTextBase() {
        return OptionalLong.empty();
    }
}
