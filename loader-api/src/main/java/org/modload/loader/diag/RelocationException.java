package org.modload.loader.diag;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * One relocation cannot be applied. The message is lld's, e.g.
 * {@code af_key.ko:(.text+0x1a): relocation R_X86_64_32S out of range: 8589934592 is not in
 * [-2147483648, 2147483647]; references 'printk'}.
 */
public final class RelocationException extends LoaderException {

    private static final long serialVersionUID = 1L;

    /** Why the relocation was refused. */
    public enum Reason {
        /** The type is not one the architecture (in this profile) applies. */
        UNSUPPORTED_TYPE,
        /** The computed value does not fit the field. */
        OUT_OF_RANGE,
        /** The place does not have the alignment the field needs. */
        MISALIGNED,
        /** The bytes at the place are not what the profile requires (Linux: nonzero target). */
        BAD_TARGET,
        /** The place and its field do not fit inside the section. */
        PLACE_OUT_OF_SECTION,
        /** Anything else the architecture refuses (e.g. an ia64 slot 3). */
        INVALID
    }

    private final Reason reason;
    private final String type;
    private final String symbol;
    private final OptionalLong value;
    private final OptionalLong min;
    private final OptionalLong max;

    private RelocationException(Location location, Reason reason, String type, String symbol,
            OptionalLong value, OptionalLong min, OptionalLong max, String what) {
        this(location, reason, type, symbol, value, min, max, what, "");
    }

    private RelocationException(Location location, Reason reason, String type, String symbol,
            OptionalLong value, OptionalLong min, OptionalLong max, String what, String hint) {
        super(location, location.placeForm() + ": " + Location.printable(what + references(symbol)
                + (hint.isEmpty() ? "" : " (" + hint + ")")));
        this.reason = Objects.requireNonNull(reason, "reason");
        this.type = Objects.requireNonNull(type, "type");
        this.symbol = Objects.requireNonNull(symbol, "symbol");
        this.value = value;
        this.min = min;
        this.max = max;
    }

    private static String references(String symbol) {
        return symbol.isEmpty() ? "" : "; references '" + symbol + "'";
    }

    /** A value outside {@code [min, max]} (signed or unsigned as the field's rule says). */
    public static RelocationException outOfRange(Location at, String type, String symbol,
            long value, long min, long max, boolean unsigned) {
        String v = unsigned ? Long.toUnsignedString(value) : Long.toString(value);
        String lo = unsigned ? Long.toUnsignedString(min) : Long.toString(min);
        String hi = unsigned ? Long.toUnsignedString(max) : Long.toString(max);
        return new RelocationException(at, Reason.OUT_OF_RANGE, type, symbol, OptionalLong.of(value),
                OptionalLong.of(min), OptionalLong.of(max),
                "relocation " + type + " out of range: " + v + " is not in [" + lo + ", " + hi + "]");
    }

    /** {@link #outOfRange(Location, String, String, long, long, long, boolean)} with a hint appended. */
    public static RelocationException outOfRange(Location at, String type, String symbol,
            long value, long min, long max, boolean unsigned, String hint) {
        String v = unsigned ? Long.toUnsignedString(value) : Long.toString(value);
        String lo = unsigned ? Long.toUnsignedString(min) : Long.toString(min);
        String hi = unsigned ? Long.toUnsignedString(max) : Long.toString(max);
        return new RelocationException(at, Reason.OUT_OF_RANGE, type, symbol, OptionalLong.of(value),
                OptionalLong.of(min), OptionalLong.of(max),
                "relocation " + type + " out of range: " + v + " is not in [" + lo + ", " + hi + "]", hint);
    }

    /** A type the architecture does not apply. */
    public static RelocationException unsupported(Location at, String type, String symbol) {
        return new RelocationException(at, Reason.UNSUPPORTED_TYPE, type, symbol, OptionalLong.empty(),
                OptionalLong.empty(), OptionalLong.empty(), "unsupported relocation type " + type);
    }

    /** A type the architecture does not apply, with the reason ({@code no TLS runtime}). */
    public static RelocationException unsupported(Location at, String type, String symbol, String why) {
        if (why.isEmpty()) {
            return unsupported(at, type, symbol);
        }
        return new RelocationException(at, Reason.UNSUPPORTED_TYPE, type, symbol, OptionalLong.empty(),
                OptionalLong.empty(), OptionalLong.empty(), "unsupported relocation type " + type + ": " + why);
    }

    /** Any other refusal, with the architecture's own words. */
    public static RelocationException of(Location at, Reason reason, String type, String symbol,
            OptionalLong value, String what) {
        return new RelocationException(at, reason, type, symbol, value, OptionalLong.empty(),
                OptionalLong.empty(), "relocation " + type + ": " + what);
    }

    public Reason reason() {
        return reason;
    }

    /** The relocation type's psABI name, e.g. {@code R_X86_64_PC32} or {@code unknown(99)}. */
    public String type() {
        return type;
    }

    /** The referenced symbol's name, or empty for a section symbol without a name. */
    public String symbol() {
        return symbol;
    }

    /** The computed value, where one was computed. */
    public OptionalLong value() {
        return value;
    }

    /** The field's lower bound, for {@link Reason#OUT_OF_RANGE}. */
    public OptionalLong min() {
        return min;
    }

    /** The field's upper bound, for {@link Reason#OUT_OF_RANGE}. */
    public OptionalLong max() {
        return max;
    }
}
