package org.modload.loader.spi;

import java.nio.ByteOrder;
import java.util.Optional;

import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.reloc.RelocationType;

/**
 * An architecture plugin: everything the generic link engine needs to know about one
 * e_machine. Implementations are stateless and thread-safe; per-load state lives in the
 * {@link LinkageTables} they create. Found through {@link java.util.ServiceLoader} (see
 * {@link Architectures}); tests may construct them directly.
 */
public interface Architecture {

    /** The e_machine this plugin handles; unique among installed plugins. */
    Machine machine();

    /** The ELF class of the architecture's objects. */
    ElfClass elfClass();

    /** The byte order of the architecture's objects (the one Linux modules use). */
    ByteOrder byteOrder();

    /**
     * Where a simulated kernel of this architecture puts modules by default (its module area),
     * and the default base of {@code modload link}; stable so that outputs are reproducible.
     */
    long moduleAreaBase();

    /** The page size module memory is aligned to between regions (Linux's PAGE_SIZE). */
    default long pageSize() {
        return 4096;
    }

    /**
     * The section flag of small data that must stay within gp reach (Linux's ARCH_SHF_SMALL:
     * SHF_IA_64_SHORT on ia64), laid out last in each region; 0 when the architecture has none.
     */
    default long smallDataFlag() {
        return 0;
    }

    /** The psABI row for {@code rType}, or empty when the psABI has no such type. */
    Optional<RelocationType> relocationType(int rType);

    /** The psABI name of {@code rType}, or {@code unknown(N)}. */
    default String relocationName(int rType) {
        return relocationType(rType).map(RelocationType::name).orElse("unknown(" + rType + ")");
    }

    /**
     * Called by the engine before layout, once per object, to check that the object as a whole
     * is one this architecture loads (e.g. ia64 refuses SHT_REL sections, as Linux does).
     * Changes nothing.
     *
     * @throws org.modload.loader.diag.LoaderException when it is not
     */
    default void checkObject(ElfFile obj, Profile profile) {
    }

    /**
     * For SHT_REL sections: the addend stored in the place, read before the place is written.
     * Called once per REL entry, before {@link #apply}. Changes nothing.
     *
     * @throws org.modload.loader.diag.RelocationException for a type the architecture does not apply
     */
    long implicitAddend(RelocationSite site);

    /**
     * Counts the GOT, PLT and descriptor entries the object needs before layout (Linux's
     * {@code module_frob_arch_sections}). Called once per load. Changes nothing.
     */
    default TablePlan planTables(ElfFile obj, Profile profile) {
        return TablePlan.NONE;
    }

    /**
     * Called by the engine after a trial layout made with {@code plan} (the result of
     * {@link #planTables} or of the previous call): returns the tables the object needs when
     * laid out as {@code trial} says. Counting before layout can only give an upper bound where
     * a need depends on distances (ia64: an LTOFF22X target within gp reach needs no GOT entry);
     * this lets the architecture size its tables exactly. The engine lays the object out again
     * with the returned plan while it differs from the one laid out, a bounded number of times;
     * without a fixed point it keeps the layout of the first plan, which must therefore be an
     * upper bound of every refinement. Not called when {@link #planTables} asked for no table.
     * The default returns {@code plan}. Changes nothing; {@code trial} has no table memory.
     */
    default TablePlan refineTables(ElfFile obj, Profile profile, TablePlan plan, Placement trial) {
        return plan;
    }

    /**
     * Binds the planned tables to their addresses and memory once layout is done. Called once
     * per load, after {@link #planTables}; the result is used for that load only.
     */
    default LinkageTables bindTables(ElfFile obj, Profile profile, TablePlan plan, Placement placement) {
        return LinkageTables.NONE;
    }

    /**
     * Applies one relocation: computes the value from {@code value} and the site, checks it
     * against the field, and writes it through {@code site}. Called once per entry in file
     * order; may fill entries of {@code tables}. Writes nothing when it throws.
     *
     * @throws org.modload.loader.diag.RelocationException for an unsupported type (in this
     *     profile), a value out of range, or a place the profile refuses
     */
    void apply(RelocationSite site, ResolvedValue value, LinkageTables tables, Profile profile);

    /**
     * The kernel-side steps this architecture adds to a module load after relocation
     * ({@code module_finalize} and friends); asked by a kernel, never by the link engine.
     * Constant; {@link KernelSupport#NONE} by default.
     */
    default KernelSupport kernelSupport() {
        return KernelSupport.NONE;
    }
}
