package org.modload.arch.x86_64;

import java.nio.ByteOrder;
import java.util.Optional;

import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Fixups;
import org.modload.loader.spi.LinkageTables;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.RelocationSite;
import org.modload.loader.spi.ResolvedValue;

/**
 * x86_64 as Linux 6.1's {@code arch/x86/kernel/module.c} applies it (KERNEL): NONE, 64, 32
 * (zero-extension must fit), 32S (sign-extension must fit), PC32, PLT32 and PC64, each refused
 * unless the bytes at the place are zero. Unlike Linux, PC32/PLT32 values outside 32 signed
 * bits are refused instead of silently wrapping. PERMISSIVE also takes the narrow data and
 * pc-relative words of ordinary objects (8, 16, PC8, PC16) and does not require zero targets.
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
        return X86_64Relocation.of(rType).map(r -> r);
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
    public void apply(RelocationSite site, ResolvedValue v, LinkageTables tables, Profile profile) {
        int number = site.entry().type();
        X86_64Relocation type = X86_64Relocation.of(number)
                .orElseThrow(() -> Fixups.unsupported(site, relocationName(number)));
        long s = v.symbolValue();
        long a = v.addend();
        long p = site.place();
        long value = switch (type) {
            case R_X86_64_NONE -> 0;
            case R_X86_64_64, R_X86_64_32, R_X86_64_32S -> s + a;
            case R_X86_64_PC32, R_X86_64_PLT32, R_X86_64_PC64 -> s + a - p;
            case R_X86_64_8, R_X86_64_16 -> permissive(site, type, profile, s + a);
            case R_X86_64_PC8, R_X86_64_PC16 -> permissive(site, type, profile, s + a - p);
            default -> throw Fixups.unsupported(site, type.name());
        };
        if (type == X86_64Relocation.R_X86_64_NONE) {
            return;
        }
        int width = type.field().bytes();
        if (profile == Profile.KERNEL) {
            long existing = site.read(width, type.name());
            if (existing != 0) {
                throw Fixups.nonzeroTarget(site, type, existing);
            }
        }
        Fixups.writeWord(site, type, value);
    }

    private static long permissive(RelocationSite site, X86_64Relocation type, Profile profile, long value) {
        if (profile != Profile.PERMISSIVE) {
            throw Fixups.unsupported(site, type.name());
        }
        return value;
    }
}
