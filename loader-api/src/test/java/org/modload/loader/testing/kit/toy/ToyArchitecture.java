package org.modload.loader.testing.kit.toy;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.diag.RelocationException;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.reloc.Bits;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.EntryKind;
import org.modload.loader.spi.EntryNeed;
import org.modload.loader.spi.EntrySlot;
import org.modload.loader.spi.EntryTarget;
import org.modload.loader.spi.Fixups;
import org.modload.loader.spi.FunctionDescriptor;
import org.modload.loader.spi.Layout;
import org.modload.loader.spi.LinkSymbols;
import org.modload.loader.spi.Need;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.Reach;
import org.modload.loader.spi.Referent;
import org.modload.loader.spi.RelocationSite;

/**
 * The worked example of "Adding an architecture" (README): the smallest plugin that links what
 * Linux's x86_64 module loader links (KERNEL) and gcc's {@code -fPIE} objects that call libc from
 * anywhere in the address space (PERMISSIVE). It is x86_64 so that every check of the kit, the
 * GNU ld differential and execution included, runs on it for real; a new architecture would name
 * its own e_machine. Test-only: it lives beside the kit's own tests and is not installed.
 *
 * <p>Everything a row can say is data ({@link ToyRelocation}); the core evaluates the formulas,
 * counts and fills the tables and checks each data word's range. The plugin says only which
 * types each profile applies, which table entry a site needs (one rule, {@link #need}), and how
 * one entry is written. Unlike the real x86_64 plugin it never relaxes a GOT load.
 */
public final class ToyArchitecture implements Architecture {
    /** A GOT of 8-byte words holding S. */
    static final EntryKind GOT = new EntryKind(".got", 8, 8, false, false, EntryKind.Sharing.BY_TARGET,
            ToyArchitecture::writeGot);
    /** Stubs {@code jmp *GOT(%rip)} for calls a rel32 cannot reach (6 bytes, int3-padded to 8). */
    static final EntryKind STUB = new EntryKind(".plt", 8, 16, true, false, EntryKind.Sharing.BY_TARGET,
            ToyArchitecture::writeStub);

    // Step 1 (module-info) is loader-api's own; a real plugin's is
    //   module org.modload.arch.toy { requires org.modload.loader;
    //       provides org.modload.loader.spi.Architecture with org.modload.arch.toy.ToyArchitecture; }

    @Override
    public Machine machine() {
        return Machine.EM_X86_64;
    }

    @Override
    public ElfClass elfClass() {
        return ElfClass.ELFCLASS64;
    }

    @Override
    public ByteOrder byteOrder() {
        return ByteOrder.LITTLE_ENDIAN;
    }

    @Override
    public long moduleAreaBase() {
        return 0xffffffffc0000000L;
    }

    @Override
    public Optional<RelocationType> relocationType(int rType) {
        return ToyRelocation.of(rType).map(r -> r);
    }

    @Override
    public boolean applies(RelocationType type, Profile profile) {
        return profile == Profile.PERMISSIVE || ((ToyRelocation) type).kernel();
    }

    /** SHT_RELA only, as Linux's x86_64 loader. */
    @Override
    public void checkObject(ElfFile obj, Profile profile) {
        Fixups.refuseRelSections(obj, machine(), "x86_64", "REL relocation unsupported");
    }

    @Override
    public long implicitAddend(RelocationSite site) {
        throw new IllegalStateException("unreachable: checkObject refuses SHT_REL sections");
    }

    // Step 4: entry kinds, the link symbols their formulas name, and the one table rule.

    @Override
    public List<EntryKind> entryKinds(Profile profile) {
        return profile == Profile.PERMISSIVE ? List.of(STUB, GOT) : List.of();
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

    /**
     * A GOT word for the GOTPCREL family; a stub (through the symbol's GOT word) for a PLT32 call
     * to a symbol outside the image unless the rel32 is known to reach it. Before layout the
     * place is unknown, so a call outside the image counts a stub: an upper bound.
     */
    @Override
    public Need need(RelocationSite site, Profile profile, Reach reach) {
        ToyRelocation type = (ToyRelocation) site.type();
        return switch (type) {
            case R_X86_64_GOTPCREL, R_X86_64_GOTPCRELX, R_X86_64_REX_GOTPCRELX -> EntryNeed.of(GOT, EntryTarget.SYMBOL);
            case R_X86_64_PLT32 -> reaches(site, reach) ? Need.NONE
                    : EntryNeed.of(STUB, EntryNeed.of(GOT, EntryTarget.SYMBOL));
            default -> Need.NONE;
        };
    }

    private static boolean reaches(RelocationSite site, Reach reach) {
        if (site.referent() instanceof Referent.Internal || site.referent() instanceof Referent.LinkSymbol) {
            return true;
        }
        return Reach.fits(reach.place(), reach.target(site.entry().addend().orElse(0)), 32, 1);
    }

    // Step 3: special fixups. The toy has none: every row is a data word, which the default
    // write() range-checks and stores.

    private static Optional<FunctionDescriptor> writeGot(EntrySlot slot) {
        slot.memory().putLong(slot.offset(), slot.target());
        return Optional.empty();
    }

    private static Optional<FunctionDescriptor> writeStub(EntrySlot slot) {
        long disp = slot.target() - (slot.address() + 6);
        if (!Bits.fitsSigned(disp, 32)) {
            throw RelocationException.of(slot.site().location(), RelocationException.Reason.OUT_OF_RANGE,
                    slot.site().typeName(), slot.site().symbolName(), OptionalLong.of(disp),
                    "stub at 0x" + Long.toHexString(slot.address()) + " cannot reach its GOT word");
        }
        slot.memory().put(slot.offset(), (byte) 0xff);
        slot.memory().put(slot.offset() + 1, (byte) 0x25);
        slot.memory().putInt(slot.offset() + 2, (int) disp);
        slot.memory().put(slot.offset() + 6, (byte) 0xcc);
        slot.memory().put(slot.offset() + 7, (byte) 0xcc);
        return Optional.empty();
    }
}
