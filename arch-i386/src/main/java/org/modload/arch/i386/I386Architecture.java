package org.modload.arch.i386;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.Machine;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.spi.Applied;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.DirectWrite;
import org.modload.loader.spi.EntryKind;
import org.modload.loader.spi.EntryNeed;
import org.modload.loader.spi.EntrySlot;
import org.modload.loader.spi.EntryTarget;
import org.modload.loader.spi.Fixups;
import org.modload.loader.spi.FunctionDescriptor;
import org.modload.loader.spi.KernelSupport;
import org.modload.loader.spi.Layout;
import org.modload.loader.spi.LinkSymbols;
import org.modload.loader.spi.Need;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.Reach;
import org.modload.loader.spi.RelocationSite;

/**
 * i386. KERNEL is Linux 6.1's {@code arch/x86/kernel/module.c}: SHT_REL with the addend in the
 * place, R_386_32 ({@code *loc += S}) and R_386_PC32 / R_386_PLT32 ({@code *loc += S - P}),
 * modulo 2^32; everything else refused (Linux refuses even R_386_NONE).
 *
 * <p>PERMISSIVE links what gcc -m32 emits for non-TLS code, PIC, PIE and not: NONE, the narrow
 * words, SIZE32, GOTOFF and GOTPC against {@code _GLOBAL_OFFSET_TABLE_} (the start of our
 * {@code .got}), GOT32 and GOT32X through GOT words, with GNU ld's relaxation of GOT32X
 * ({@link GotRelaxation}) and its base-register rule. PLT32 calls go direct: every address is
 * in reach of a 32-bit displacement.
 */
public final class I386Architecture implements Architecture {
    private static final EntryKind GOT = new EntryKind(".got", 4, 4, false, false, EntryKind.Sharing.BY_TARGET,
            I386Architecture::writeGot);

    @Override
    public Machine machine() {
        return Machine.EM_386;
    }

    @Override
    public ElfClass elfClass() {
        return ElfClass.ELFCLASS32;
    }

    @Override
    public ByteOrder byteOrder() {
        return ByteOrder.LITTLE_ENDIAN;
    }

    @Override
    public long moduleAreaBase() {
        return 0xf8000000L;
    }

    @Override
    public KernelSupport kernelSupport() {
        return I386KernelSupport.INSTANCE;
    }

    @Override
    public Optional<RelocationType> relocationType(int rType) {
        return I386Relocation.row(rType);
    }

    @Override
    public boolean applies(RelocationType type, Profile profile) {
        I386Relocation.Use use = ((I386Relocation) type).use();
        return use == I386Relocation.Use.KERNEL
                || (use == I386Relocation.Use.PERMISSIVE && profile == Profile.PERMISSIVE);
    }

    @Override
    public String whyNot(RelocationType type, Profile profile) {
        return switch (((I386Relocation) type).use()) {
            case TLS -> profile == Profile.PERMISSIVE ? "thread-local storage needs a TLS runtime, which a fixed-address"
                    + " image does not have" : "";
            case DYNAMIC -> profile == Profile.PERMISSIVE ? "a dynamic relocation, which only linked output carries" : "";
            default -> "";
        };
    }

    /** The addend in the place: the row's field, sign-extended. */
    @Override
    public long implicitAddend(RelocationSite site) {
        return switch (site.type().field()) {
            case WORD32 -> (int) site.read(4);
            case WORD16 -> (short) site.read(2);
            case WORD8 -> (byte) site.read(1);
            default -> 0;
        };
    }

    @Override
    public List<EntryKind> entryKinds(Profile profile) {
        return profile == Profile.PERMISSIVE ? List.of(GOT) : List.of();
    }

    @Override
    public List<String> linkSymbolNames(Profile profile) {
        return profile == Profile.PERMISSIVE ? List.of(LinkSymbols.GLOBAL_OFFSET_TABLE) : List.of();
    }

    @Override
    public Map<String, Long> linkSymbols(Layout layout, Profile profile) {
        OptionalLong got = layout.table(GOT.table());
        return got.isPresent() ? Map.of(LinkSymbols.GLOBAL_OFFSET_TABLE, got.getAsLong()) : Map.of();
    }

    /** PERMISSIVE's rule: a GOT word for GOT32, and for GOT32X unless ld's relaxation applies. */
    @Override
    public Need need(RelocationSite site, Profile profile, Reach reach) {
        I386Relocation type = (I386Relocation) site.type();
        if (type == I386Relocation.R_386_GOT32X) {
            Optional<Need.Relaxed> relaxed = GotRelaxation.decide(site);
            return relaxed.isPresent() ? relaxed.get() : EntryNeed.of(GOT, EntryTarget.SYMBOL);
        }
        return type == I386Relocation.R_386_GOT32 ? EntryNeed.of(GOT, EntryTarget.SYMBOL) : Need.NONE;
    }

    @Override
    public void write(RelocationSite site, Applied applied, Profile profile) {
        I386Relocation row = (I386Relocation) applied.row();
        if (applied.need() instanceof Need.Relaxed rx) {
            site.checkedIndex(rx.placeDelta(), 4);
            GotRelaxation.rewrite(site);
            site.write(rx.placeDelta(), 4, applied.value());
            return;
        }
        long value = applied.value();
        if ((row == I386Relocation.R_386_GOT32 || row == I386Relocation.R_386_GOT32X) && GotRelaxation.baseless(site)) {
            // No base register holds GOT: the field is the GOT word's address, G + A + GOT.
            value += applied.operands().got().orElseThrow();
        }
        Fixups.writeWord(site, row, value);
    }

    /** KERNEL's words, written without an object per relocation ({@link KernelDirectWrite}). */
    @Override
    public Optional<DirectWrite> directWrite(Profile profile) {
        return profile == Profile.KERNEL ? Optional.of(KernelDirectWrite.INSTANCE) : Optional.empty();
    }

    private static Optional<FunctionDescriptor> writeGot(EntrySlot slot) {
        slot.memory().putInt(slot.offset(), (int) slot.target());
        return Optional.empty();
    }
}
