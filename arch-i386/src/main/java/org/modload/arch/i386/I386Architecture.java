package org.modload.arch.i386;

import java.nio.ByteOrder;
import java.util.Optional;

import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.Machine;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Fixups;
import org.modload.loader.spi.LinkageTables;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.RelocationSite;
import org.modload.loader.spi.ResolvedValue;

/**
 * i386 as Linux 6.1's {@code arch/x86/kernel/module.c} applies it (KERNEL): SHT_REL with the
 * addend in the place, R_386_32 ({@code *loc += S}) and R_386_PC32 / R_386_PLT32
 * ({@code *loc += S - P}), modulo 2^32; everything else refused (Linux refuses even R_386_NONE).
 * PERMISSIVE also takes R_386_NONE and the narrow 8/16-bit words.
 */
public final class I386Architecture implements Architecture {

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
    public Optional<RelocationType> relocationType(int rType) {
        return I386Relocation.of(rType).map(r -> r);
    }

    @Override
    public long implicitAddend(RelocationSite site) {
        int number = site.entry().type();
        I386Relocation type = I386Relocation.of(number)
                .orElseThrow(() -> Fixups.unsupported(site, relocationName(number)));
        return switch (type) {
            case R_386_NONE -> 0;
            case R_386_32, R_386_PC32, R_386_PLT32 -> (int) site.read(4, type.name());
            case R_386_16 -> (short) site.read(2, type.name());
            case R_386_PC16 -> (short) site.read(2, type.name());
            case R_386_8, R_386_PC8 -> (byte) site.read(1, type.name());
            default -> throw Fixups.unsupported(site, type.name());
        };
    }

    @Override
    public void apply(RelocationSite site, ResolvedValue v, LinkageTables tables, Profile profile) {
        int number = site.entry().type();
        I386Relocation type = I386Relocation.of(number)
                .orElseThrow(() -> Fixups.unsupported(site, relocationName(number)));
        long s = v.symbolValue();
        long a = v.addend();
        long p = site.place();
        switch (type) {
            case R_386_32 -> Fixups.writeWord(site, type, s + a);
            case R_386_PC32, R_386_PLT32 -> Fixups.writeWord(site, type, s + a - p);
            case R_386_NONE -> requirePermissive(site, type, profile);
            case R_386_16, R_386_8 -> {
                requirePermissive(site, type, profile);
                Fixups.writeWord(site, type, s + a);
            }
            case R_386_PC16, R_386_PC8 -> {
                requirePermissive(site, type, profile);
                Fixups.writeWord(site, type, s + a - p);
            }
            default -> throw Fixups.unsupported(site, type.name());
        }
    }

    private static void requirePermissive(RelocationSite site, I386Relocation type, Profile profile) {
        if (profile != Profile.PERMISSIVE) {
            throw Fixups.unsupported(site, type.name());
        }
    }
}
