package org.modload.loader.spi;

import java.util.OptionalLong;

import org.modload.loader.diag.ArchitectureException;
import org.modload.loader.diag.Location;
import org.modload.loader.diag.RelocationException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.reloc.Bits;
import org.modload.loader.reloc.Field;
import org.modload.loader.reloc.RelocationType;

/**
 * Shared steps for data-word fixups, so that each architecture's rows are written the same way:
 * check the value against the row's field and overflow rule, then write it.
 */
public final class Fixups {
    private Fixups() {
    }

    /**
     * Checks {@code value} against {@code type}'s field and overflow rule.
     *
     * @throws RelocationException (OUT_OF_RANGE) naming the range and the symbol
     */
    public static void checkRange(RelocationSite site, RelocationType type, long value) {
        int bits = type.field().bits();
        if (bits == 0 || Bits.fits(value, bits, type.overflow())) {
            return;
        }
        switch (type.overflow()) {
            case UNSIGNED -> throw RelocationException.outOfRange(site.location(), type.name(), site.symbolName(),
                    value, 0, Bits.unsignedMax(bits), true);
            case EITHER -> throw RelocationException.outOfRange(site.location(), type.name(), site.symbolName(),
                    value, Bits.signedMin(bits), Bits.unsignedMax(bits), false);
            default -> throw RelocationException.outOfRange(site.location(), type.name(), site.symbolName(),
                    value, Bits.signedMin(bits), Bits.signedMax(bits), false);
        }
    }

    /**
     * Checks {@code value} and writes its low bits into {@code type}'s data word at the place.
     *
     * @throws RelocationException when the value does not fit or the word leaves the section
     */
    public static void writeWord(RelocationSite site, RelocationType type, long value) {
        Field f = type.field();
        if (f == Field.NONE) {
            return;
        }
        if (f == Field.INSTRUCTION) {
            throw new IllegalArgumentException(type.name() + " is not a data word");
        }
        site.checkedIndex(f.bytes());
        checkRange(site, type, value);
        site.write(f.bytes(), value);
    }

    /** Refuses a type the architecture does not apply in this profile. */
    public static RelocationException unsupported(RelocationSite site, String typeName) {
        return RelocationException.unsupported(site.location(), typeName, site.symbolName());
    }

    /** Refuses the place because its existing bytes are not zero (Linux x86_64's check). */
    public static RelocationException nonzeroTarget(RelocationSite site, RelocationType type, long existing) {
        return RelocationException.of(site.location(), RelocationException.Reason.BAD_TARGET, type.name(),
                site.symbolName(), OptionalLong.of(existing),
                "invalid relocation target, existing value is nonzero (0x" + Long.toHexString(existing) + ")");
    }

    /**
     * For RELA-only architectures' {@link Architecture#checkObject}: refuses the first SHT_REL
     * section whose target is loaded, as Linux's apply_relocate() does.
     *
     * @param arch the short name for the message ({@code x86_64})
     * @param linux what Linux says, quoted in the message; {@code %d} stands for the section index
     * @throws ArchitectureException located at the REL section
     */
    public static void refuseRelSections(ElfFile obj, Machine machine, String arch, String linux) {
        for (RelocationSection rs : obj.relocationSections()) {
            if (!rs.isRela() && rs.target().isAllocated()) {
                throw new ArchitectureException(Location.ofSection(obj.name(), rs.section().index(),
                        rs.section().name()), machine.specName(), "SHT_REL relocation sections are not supported on "
                        + arch + " (Linux: \"" + linux.replace("%d", Integer.toString(rs.section().index())) + "\")");
            }
        }
    }
}
