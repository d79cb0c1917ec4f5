package org.modload.loader.spi;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.reloc.RelocationType;

/**
 * An architecture plugin: everything the generic link engine needs to know about one
 * e_machine. Implementations are stateless and thread-safe. Found through
 * {@link java.util.ServiceLoader} (see {@link Architectures}); tests may construct them directly.
 *
 * <p>For each relocation the engine looks the row up once ({@link #relocationType}), refuses
 * what the profile does not apply ({@link #applies}), asks the one table rule ({@link #need})
 * which entry or relaxation the site needs, evaluates the row's formula on the operands and
 * hands the value to {@link #write}. Tables are the engine's: it counts with the same rule
 * before layout, refines after a trial layout, creates each entry once and checks that what it
 * allocated was used.
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
     * Whether the architecture applies {@code type} at all in {@code profile}, before any value
     * is looked at. The engine refuses the others, located, as unsupported. Changes nothing.
     */
    boolean applies(RelocationType type, Profile profile);

    /**
     * Why {@code type} is not applied in {@code profile}, appended to the refusal ("no TLS
     * runtime"); empty for a plain "unsupported relocation type".
     */
    default String whyNot(RelocationType type, Profile profile) {
        return "";
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
     * Called once per REL entry of an applied type. Changes nothing.
     *
     * @throws org.modload.loader.diag.RelocationException when the place lies outside its section
     */
    long implicitAddend(RelocationSite site);

    /**
     * The table entries the architecture builds in {@code profile}, in layout order; the rule
     * {@link #need} only names these. Empty (the default) when it builds none, and the engine
     * then never asks {@link #need}.
     */
    default List<EntryKind> entryKinds(Profile profile) {
        return List.of();
    }

    /**
     * The one table rule: which entry, if any, the relocation at {@code site} needs, or which
     * row it is relaxed to. Called by the engine before layout (with {@link Reach#UNKNOWN}: the
     * answer must then be an upper bound of every later one, e.g. an entry wherever an entry may
     * be needed), after each trial layout, and while relocating, always with the knowledge of
     * the plan it applies. Must depend only on its arguments. Changes nothing; {@code site}'s
     * memory is read-only while planning.
     */
    default Need need(RelocationSite site, Profile profile, Reach reach) {
        return Need.NONE;
    }

    /**
     * The symbols the link defines from its tables and regions, by name:
     * {@code _GLOBAL_OFFSET_TABLE_} (the GOT term) and {@code __gp} (the GP term). Called once
     * per layout (trial and final). Undefined references to these names resolve to them before
     * the caller's resolver is asked. Changes nothing.
     */
    default Map<String, Long> linkSymbols(Layout layout, Profile profile) {
        return Map.of();
    }

    /** The names {@link #linkSymbols} defines, known before layout; empty by default. */
    default List<String> linkSymbolNames(Profile profile) {
        return List.of();
    }

    /**
     * P as the row's formula means it: the place's address by default; ia64 instruction
     * fields count from the bundle. Called once per applied relocation. Changes nothing.
     */
    default long place(RelocationSite site, RelocationType row) {
        return site.place();
    }

    /**
     * Writes one applied relocation at {@code site}: the default checks {@code applied.value()}
     * against the row's field and overflow rule and writes the data word
     * ({@link Fixups#writeWord}). Architectures override it for what a row cannot say:
     * instruction fields, the rewrite a relaxation needs, profile checks of the place. Called
     * once per relocation in file order. Writes nothing when it throws.
     *
     * @throws org.modload.loader.diag.RelocationException for a value out of range or a place
     *     the profile refuses
     */
    default void write(RelocationSite site, Applied applied, Profile profile) {
        Fixups.writeWord(site, applied.row(), applied.value());
    }

    /**
     * The kernel-side steps this architecture adds to a module load after relocation
     * ({@code module_finalize} and friends); asked by a kernel, never by the link engine.
     * Constant; {@link KernelSupport#NONE} by default.
     */
    default KernelSupport kernelSupport() {
        return KernelSupport.NONE;
    }

    /**
     * The hot path for links in {@code profile}, if the architecture offers one: only for a
     * profile in which it builds no tables ({@link #entryKinds} empty) and whose P is the
     * place's address. Asked once per link; empty (the default) leaves every relocation to
     * {@link #write}.
     */
    default Optional<DirectWrite> directWrite(Profile profile) {
        return Optional.empty();
    }
}
