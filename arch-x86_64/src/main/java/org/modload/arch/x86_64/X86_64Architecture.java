package org.modload.arch.x86_64;

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
import org.modload.loader.spi.Applied;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.DirectWrite;
import org.modload.loader.spi.EntryKind;
import org.modload.loader.spi.Fixups;
import org.modload.loader.spi.Layout;
import org.modload.loader.spi.LinkSymbols;
import org.modload.loader.spi.Need;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.Reach;
import org.modload.loader.spi.Referent;
import org.modload.loader.spi.RelocationSite;

/**
 * x86_64. KERNEL is Linux 6.1's {@code arch/x86/kernel/module.c}: NONE, 64, 32 (zero-extension
 * must fit), 32S (sign-extension must fit), PC32, PLT32 and PC64, each refused unless the bytes
 * at the place are zero; no tables. Unlike Linux, PC32/PLT32 values outside 32 signed bits are
 * refused instead of silently wrapping.
 *
 * <p>PERMISSIVE links what gcc and clang emit for non-TLS code in every code model, PIC, PIE and
 * not: a GOT ({@code .got}, {@code _GLOBAL_OFFSET_TABLE_} at its start) for the GOT-relative
 * types, stubs ({@code .plt}) for PLT32 calls a rel32 cannot reach, GNU ld's relaxation of GOT
 * loads ({@link GotRelaxation}), and the narrow, size and 64-bit GOT types of the large model.
 * The TLS types are refused (no TLS runtime), as are the dynamic ones.
 */
public final class X86_64Architecture implements Architecture {

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
        return X86_64Relocation.row(rType);
    }

    @Override
    public boolean applies(RelocationType type, Profile profile) {
        X86_64Relocation.Use use = ((X86_64Relocation) type).use();
        return use == X86_64Relocation.Use.KERNEL
                || (use == X86_64Relocation.Use.PERMISSIVE && profile == Profile.PERMISSIVE);
    }

    @Override
    public String whyNot(RelocationType type, Profile profile) {
        return switch (((X86_64Relocation) type).use()) {
            case TLS -> profile == Profile.PERMISSIVE ? "thread-local storage needs a TLS runtime, which a fixed-address"
                    + " image does not have" : "";
            case DYNAMIC -> profile == Profile.PERMISSIVE ? "a dynamic relocation, which only linked output carries" : "";
            default -> "";
        };
    }

    /** SHT_RELA only: Linux's generic apply_relocate() refuses a REL section of a loaded section outright. */
    @Override
    public void checkObject(ElfFile obj, Profile profile) {
        Fixups.refuseRelSections(obj, machine(), "x86_64", "REL relocation unsupported");
    }

    @Override
    public long implicitAddend(RelocationSite site) {
        // Unreachable for loaded sections: checkObject refuses SHT_REL sections first.
        throw new IllegalStateException("x86_64 has no implicit addends");
    }

    @Override
    public List<EntryKind> entryKinds(Profile profile) {
        return profile == Profile.PERMISSIVE ? Tables.KINDS : List.of();
    }

    @Override
    public List<String> linkSymbolNames(Profile profile) {
        return profile == Profile.PERMISSIVE ? List.of(LinkSymbols.GLOBAL_OFFSET_TABLE) : List.of();
    }

    @Override
    public Map<String, Long> linkSymbols(Layout layout, Profile profile) {
        OptionalLong got = layout.table(Tables.GOT.table());
        return got.isPresent() ? Map.of(LinkSymbols.GLOBAL_OFFSET_TABLE, got.getAsLong()) : Map.of();
    }

    /**
     * PERMISSIVE's rule: a GOT word for the GOT-relative types unless ld's relaxation applies;
     * a stub for a PLT32 call to a symbol outside the image unless the rel32 reaches it.
     */
    @Override
    public Need need(RelocationSite site, Profile profile, Reach reach) {
        X86_64Relocation type = (X86_64Relocation) site.type();
        return switch (type) {
            case R_X86_64_GOTPCREL, R_X86_64_GOTPCRELX, R_X86_64_REX_GOTPCRELX -> {
                Optional<Need.Relaxed> relaxed = GotRelaxation.decide(site, reach);
                yield relaxed.isPresent() ? relaxed.get() : Tables.got();
            }
            case R_X86_64_GOT32, R_X86_64_GOT64, R_X86_64_GOTPLT64, R_X86_64_GOTPCREL64 -> Tables.got();
            case R_X86_64_PLT32 -> reaches(site, reach) ? Need.NONE : Tables.stub();
            default -> Need.NONE;
        };
    }

    /** Whether a PLT32 reaches its target directly: inside the image always, else once S and P say so. */
    private static boolean reaches(RelocationSite site, Reach reach) {
        if (site.referent() instanceof Referent.Internal || site.referent() instanceof Referent.LinkSymbol) {
            return true;
        }
        long a = site.entry().addend().orElse(0);
        return Reach.fits(reach.place(), reach.target(a), 32, 1);
    }

    @Override
    public void write(RelocationSite site, Applied applied, Profile profile) {
        X86_64Relocation row = (X86_64Relocation) applied.row();
        if (row.field().bits() == 0) {
            return;
        }
        if (profile == Profile.KERNEL) {
            long existing = site.read(row.field().bytes());
            if (existing != 0) {
                throw Fixups.nonzeroTarget(site, row, existing);
            }
        }
        if (applied.need() instanceof Need.Relaxed rx) {
            site.checkedIndex(rx.placeDelta(), 4);
            Fixups.checkRange(site, row, applied.value());
            GotRelaxation.rewrite(site, row);
            site.write(rx.placeDelta(), 4, applied.value());
            return;
        }
        site.checkedIndex(row.field().bytes());
        if (profile == Profile.PERMISSIVE && isDirect(row) && !site.referent().internal()
                && !Bits.fits(applied.value(), row.field().bits(), row.overflow())) {
            throw farReference(site, row, applied.value());
        }
        Fixups.writeWord(site, row, applied.value());
    }

    /** KERNEL's words, written without an object per relocation ({@link KernelDirectWrite}). */
    @Override
    public Optional<DirectWrite> directWrite(Profile profile) {
        return profile == Profile.KERNEL ? Optional.of(KernelDirectWrite.INSTANCE) : Optional.empty();
    }

    private static boolean isDirect(X86_64Relocation row) {
        return row == X86_64Relocation.R_X86_64_PC32 || row == X86_64Relocation.R_X86_64_32
                || row == X86_64Relocation.R_X86_64_32S;
    }

    /**
     * Non-PIC code reaching a symbol outside the image with a 32-bit field: an executable gets
     * there through a copy relocation, which a fixed-address image cannot make.
     */
    private static RelocationException farReference(RelocationSite site, X86_64Relocation row, long value) {
        int bits = row.field().bits();
        boolean unsigned = row == X86_64Relocation.R_X86_64_32;
        return RelocationException.outOfRange(site.location(), row.name(), site.symbolName(), value,
                unsigned ? 0 : Bits.signedMin(bits), unsigned ? Bits.unsignedMax(bits) : Bits.signedMax(bits), unsigned,
                "non-PIC code reaches a symbol outside the image directly; that needs a copy relocation, which a fixed-address"
                        + " link cannot make: compile with -fPIC or -fPIE, or place the image within reach");
    }
}
