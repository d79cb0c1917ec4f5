package org.modload.arch.ia64;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.SectionType;
import org.modload.loader.spi.FunctionDescriptor;
import org.modload.loader.spi.KernelSupport;
import org.modload.loader.spi.ModuleMemory;
import org.modload.loader.spi.RegisteredTable;

/**
 * The kernel side of an ia64 module load, as Linux's {@code arch/ia64/kernel/module.c} does it
 * after relocation:
 * <ul>
 * <li>{@code module_finalize()} / {@code register_unwind_table()}: each
 * {@code SHT_IA_64_UNWIND} section holds 24-byte entries {start, end, info}, absolute once
 * relocated; Linux registers one table for the entries describing core code and one for those
 * describing init code (unregistered by {@code module_arch_freeing_init()}).</li>
 * <li>An exported function's value is the address of its descriptor {ip, gp} in the module's own
 * {@code .opd}; an importing module's FPTR/PLT relocations need those contents.</li>
 * <li>Function symbols are descriptors ({@code HAVE_FUNCTION_DESCRIPTORS}); the kernel's text
 * starts at {@code KERNEL_START}, region 5 plus 4 GiB.</li>
 * </ul>
 * Stateless.
 */
final class Ia64KernelSupport implements KernelSupport {
    /** The one instance; it has no state. */
    static final Ia64KernelSupport INSTANCE = new Ia64KernelSupport();

    /** {@code sizeof(struct unw_table_entry)}: start, end, info offsets, 8 bytes each. */
    static final int UNWIND_ENTRY = 24;
    /** Linux's KERNEL_START on ia64. */
    private static final long KERNEL_START = 0xa000000100000000L;
    private static final int DESCRIPTOR = 16;

    private Ia64KernelSupport() {
    }

    @Override
    public List<RegisteredTable> finalizeModule(ElfFile obj, ModuleMemory memory) {
        List<RegisteredTable> out = new ArrayList<>();
        for (ModuleMemory.Piece p : memory.pieces()) {
            if (p.isTable() || !obj.section(p.sectionIndex()).type().equals(SectionType.SHT_IA_64_UNWIND)) {
                continue;
            }
            ByteBuffer b = p.bytes().order(ByteOrder.LITTLE_ENDIAN);
            long core = 0;
            long init = 0;
            for (int at = 0; at + UNWIND_ENTRY <= p.size(); at += UNWIND_ENTRY) {
                if (memory.inInit(b.getLong(at))) {
                    init++;
                } else {
                    core++;
                }
            }
            if (core > 0) {
                out.add(new RegisteredTable("unwind", p.name(), false, p.address(), core));
            }
            if (init > 0) {
                out.add(new RegisteredTable("unwind", p.name(), true, p.address(), init));
            }
        }
        return List.copyOf(out);
    }

    @Override
    public Optional<FunctionDescriptor> functionDescriptor(ModuleMemory memory, long address) {
        return memory.table(Ia64Tables.OPD).filter(t -> t.holds(address, DESCRIPTOR)).map(t -> {
            ByteBuffer b = t.bytes().order(ByteOrder.LITTLE_ENDIAN);
            int off = (int) (address - t.address());
            return new FunctionDescriptor(b.getLong(off), b.getLong(off + 8));
        });
    }

    @Override
    public boolean functionDescriptors() {
        return true;
    }

    @Override
    public OptionalLong kernelTextBase() {
        return OptionalLong.of(KERNEL_START);
    }
}
