package org.modload.loader.testing.exec;

import java.util.Arrays;
import java.util.Optional;

/**
 * The GOT- and PLT-type relocations the site checks follow, by their psABI numbers (AMD64 psABI
 * table 4.10, i386 psABI table 4.3), with the rule that says what a correct site reaches. Kept
 * here as the documents give them, not taken from the plugins under test.
 */
public enum SiteKind {
    R_X86_64_PLT32(Abi.X86_64, 4, Rule.BRANCH),
    R_X86_64_GOT32(Abi.X86_64, 3, Rule.UNFOLLOWED),
    R_X86_64_GOTPCREL(Abi.X86_64, 9, Rule.GOT_PCREL),
    R_X86_64_GOTOFF64(Abi.X86_64, 25, Rule.GOT_OFFSET_OF_SYMBOL),
    R_X86_64_GOTPC32(Abi.X86_64, 26, Rule.GOT_BASE),
    R_X86_64_GOT64(Abi.X86_64, 27, Rule.GOT_ENTRY_OFFSET),
    R_X86_64_GOTPCREL64(Abi.X86_64, 28, Rule.UNFOLLOWED),
    R_X86_64_GOTPC64(Abi.X86_64, 29, Rule.GOT_BASE),
    R_X86_64_GOTPLT64(Abi.X86_64, 30, Rule.UNFOLLOWED),
    R_X86_64_PLTOFF64(Abi.X86_64, 31, Rule.PLT_OFFSET),
    R_X86_64_GOTPCRELX(Abi.X86_64, 41, Rule.GOT_PCREL),
    R_X86_64_REX_GOTPCRELX(Abi.X86_64, 42, Rule.GOT_PCREL),
    R_386_GOT32(Abi.I386, 3, Rule.GOT_ENTRY_OFFSET),
    R_386_PLT32(Abi.I386, 4, Rule.BRANCH),
    R_386_GOTOFF(Abi.I386, 9, Rule.GOT_OFFSET_OF_SYMBOL),
    R_386_GOTPC(Abi.I386, 10, Rule.GOT_BASE),
    R_386_GOT32X(Abi.I386, 43, Rule.GOT_ENTRY_OFFSET);

    /** What a site of the kind must reach. */
    public enum Rule {
        /** A call or jump: to S directly, or to a stub that jumps to S. */
        BRANCH,
        /** {@code %rip}-relative: an entry holding S, or (relaxed) S itself. */
        GOT_PCREL,
        /** Computes the GOT's address; all such sites of a link must agree. */
        GOT_BASE,
        /** S + A - GOT, in an instruction's displacement or immediate, or in a data word. */
        GOT_OFFSET_OF_SYMBOL,
        /** G + A, the offset of S's entry from the GOT (or, relaxed on i386, S + A - GOT). */
        GOT_ENTRY_OFFSET,
        /** L - GOT + A: the offset from the GOT of S or of a stub that jumps to S. */
        PLT_OFFSET,
        /** gcc does not emit it for the test programs; a site of it is reported, not passed. */
        UNFOLLOWED
    }

    private final Abi abi;
    private final int number;
    private final Rule rule;

    SiteKind(Abi abi, int number, Rule rule) {
        this.abi = abi;
        this.number = number;
        this.rule = rule;
    }

    public Rule rule() {
        return rule;
    }

    /** The kind of relocation type {@code number} on {@code abi}, if it is a GOT/PLT type. */
    public static Optional<SiteKind> of(Abi abi, int number) {
        return Arrays.stream(values()).filter(k -> k.abi == abi && k.number == number).findFirst();
    }

    /** Whether GNU ld may rewrite the instruction of such a site (GOTPCRELX, REX_GOTPCRELX, GOT32X). */
    public boolean relaxable() {
        return this == R_X86_64_GOTPCRELX || this == R_X86_64_REX_GOTPCRELX || this == R_386_GOT32X;
    }
}
