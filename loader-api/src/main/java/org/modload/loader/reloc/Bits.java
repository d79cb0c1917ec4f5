package org.modload.loader.reloc;

/** Bit helpers for fields: range checks and sign extension. Pure functions. */
public final class Bits {
    private Bits() {
    }

    /** Smallest value of a signed {@code bits}-wide field. */
    public static long signedMin(int bits) {
        return bits >= 64 ? Long.MIN_VALUE : -(1L << (bits - 1));
    }

    /** Largest value of a signed {@code bits}-wide field. */
    public static long signedMax(int bits) {
        return bits >= 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
    }

    /** Largest value of an unsigned {@code bits}-wide field (as an unsigned long). */
    public static long unsignedMax(int bits) {
        return bits >= 64 ? -1L : (1L << bits) - 1;
    }

    /** Whether {@code v} fits a signed field of {@code bits}. */
    public static boolean fitsSigned(long v, int bits) {
        return bits >= 64 || (v >= signedMin(bits) && v <= signedMax(bits));
    }

    /** Whether {@code v}, read as unsigned, fits an unsigned field of {@code bits}. */
    public static boolean fitsUnsigned(long v, int bits) {
        return bits >= 64 || Long.compareUnsigned(v, unsignedMax(bits)) <= 0;
    }

    /** Whether {@code v} fits under {@code rule} in a field of {@code bits}. */
    public static boolean fits(long v, int bits, Overflow rule) {
        return switch (rule) {
            case NONE -> true;
            case SIGNED -> fitsSigned(v, bits);
            case UNSIGNED -> fitsUnsigned(v, bits);
            case EITHER -> fitsSigned(v, bits) || fitsUnsigned(v, bits);
        };
    }

    /** Sign-extends the low {@code bits} of {@code v}. */
    public static long signExtend(long v, int bits) {
        int shift = 64 - bits;
        return bits >= 64 ? v : (v << shift) >> shift;
    }
}
