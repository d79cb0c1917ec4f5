package org.modload.loader.testing.kit;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.diag.RelocationException;
import org.modload.loader.spi.FunctionDescriptor;
import org.modload.loader.spi.Profile;

/**
 * One test vector of a relocation type: a single relocation in a section of given bytes at a
 * given address, against a symbol of given value, with a given addend, and what the engine must
 * make of it: the section's bytes afterwards (and, where the site needs table entries, the tables'
 * bytes), or a refusal with its fields. The kit synthesizes the one-relocation object, pins the
 * section (and the tables the vector names) with {@code LayoutPolicy.Explicit}, and links it with
 * the real engine. Vectors are data the plugin's author writes down independently of the plugin
 * (from the psABI, GNU as and ld); usually read from a file with {@link Vectors#read}. Immutable.
 *
 * @param source where the vector was written down ({@code vectors.txt:12}), for messages
 * @param type the relocation type's psABI name
 * @param profile the profile to link in
 * @param site the object and addresses
 * @param expected what the link must produce
 */
public record Vector(String source, String type, Profile profile, Site site, Expected expected) {

    public Vector {
        Objects.requireNonNull(source);
        Objects.requireNonNull(type);
        Objects.requireNonNull(profile);
        Objects.requireNonNull(site);
        Objects.requireNonNull(expected);
    }

    /** Whether the vector expects the link to succeed. */
    public boolean passes() {
        return expected instanceof Writes;
    }

    /** {@code vectors.txt:12 pass R_X86_64_PC32 KERNEL}. */
    public String title() {
        return source + " " + (passes() ? "pass" : "fail") + " " + type + " " + profile;
    }

    /**
     * The relocation's place and symbol.
     *
     * @param section the name of the section the relocation patches ({@code .text...} and
     *     {@code .init.text...} are executable, others writable data)
     * @param address where the section is pinned
     * @param bytes the section's contents before relocation (for SHT_REL, with the addend in the place)
     * @param offset r_offset
     * @param symbol the referenced symbol
     * @param addend r_addend; empty for SHT_REL architectures
     * @param pins tables (by name) pinned at an address
     */
    public record Site(String section, long address, ByteBuffer bytes, long offset, SymbolRef symbol,
            OptionalLong addend, Map<String, Long> pins) {
        public Site {
            Objects.requireNonNull(section);
            bytes = bytes.asReadOnlyBuffer();
            Objects.requireNonNull(symbol);
            Objects.requireNonNull(addend);
            pins = Map.copyOf(pins);
        }
    }

    /** The symbol a vector's relocation references. */
    public sealed interface SymbolRef {
        /** The symbol's name as messages show it. */
        String name();
    }

    /**
     * An undefined symbol the resolver defines.
     *
     * @param address S
     * @param descriptor the contents of the function descriptor at S (ia64 functions), if any
     */
    public record Imported(String name, long address, Optional<FunctionDescriptor> descriptor) implements SymbolRef {
    }

    /** A global symbol defined in the vector's own section, {@code offset} bytes in, of {@code size} bytes (Z). */
    public record Defined(String name, long offset, long size) implements SymbolRef {
    }

    /** An SHN_ABS symbol of value {@code value}. */
    public record Absolute(String name, long value) implements SymbolRef {
    }

    /** The section symbol of the vector's own section (messages name it after the section). */
    public record SectionSymbol(String name) implements SymbolRef {
    }

    /** What the link must produce. */
    public sealed interface Expected {
    }

    /**
     * The link succeeds.
     *
     * @param section the section's bytes afterwards
     * @param tables the bytes of tables the vector checks, by name (the whole table)
     */
    public record Writes(ByteBuffer section, Map<String, ByteBuffer> tables) implements Expected {
        public Writes {
            section = section.asReadOnlyBuffer();
            tables = Map.copyOf(tables);
        }
    }

    /**
     * The link is refused at the site with a {@link RelocationException} of this reason, naming
     * the type and symbol, located at the site; with this value and range where given.
     */
    public record Refuses(RelocationException.Reason reason, OptionalLong value, OptionalLong min, OptionalLong max)
            implements Expected {
        public Refuses {
            Objects.requireNonNull(reason);
        }
    }
}
