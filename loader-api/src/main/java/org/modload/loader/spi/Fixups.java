package org.modload.loader.spi;

import java.util.OptionalLong;

import org.modload.loader.diag.RelocationException;
import org.modload.loader.reloc.Bits;
import org.modload.loader.reloc.Field;
import org.modload.loader.reloc.RelocationType;

/**
 * Shared steps for data-word fixups, so that each architecture's table rows are applied the
 * same way: check the value against the row's field and overflow rule, then write it.
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
     * Checks {@code value} and writes its low bits into the row's data word at the place.
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
        site.checkedIndex(f.bytes(), type.name());
        checkRange(site, type, value);
        site.write(f.bytes(), value, type.name());
    }

    /**
     * Refuses a type the architecture does not apply in this profile.
     *
     * @return never returns normally
     */
    public static RelocationException unsupported(RelocationSite site, String typeName) {
        return RelocationException.unsupported(site.location(), typeName, site.symbolName());
    }

    /** Refuses the place because its existing bytes are not zero (Linux x86_64's check). */
    public static RelocationException nonzeroTarget(RelocationSite site, RelocationType type, long existing) {
        return RelocationException.of(site.location(), RelocationException.Reason.BAD_TARGET, type.name(),
                site.symbolName(), OptionalLong.of(existing),
                "invalid relocation target, existing value is nonzero (0x" + Long.toHexString(existing) + ")");
    }
}
