package org.modload.loader.reloc;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The calculations the core evaluates: each a signed sum of {@link Term}s, named after the
 * psABI's spelling. An architecture's row names one of them; what a row cannot say (ia64
 * slot encodings, relaxations, TLS) is the architecture's {@code write}. Arithmetic is modulo
 * 2^64; the field's overflow rule is checked afterwards.
 */
public enum Formula {
    /** Nothing is computed or written (R_*_NONE, markers such as R_IA64_LDXMOV). */
    NONE("none"),
    S_A("S + A", Term.S, Term.A),
    S("S", Term.S),
    S_A_P("S + A - P", Term.S, Term.A, minus(Term.P)),
    G_A("G + A", Term.G, Term.A),
    L_A_P("L + A - P", Term.L, Term.A, minus(Term.P)),
    G_GOT_A_P("G + GOT + A - P", Term.G, Term.GOT, Term.A, minus(Term.P)),
    S_A_GOT("S + A - GOT", Term.S, Term.A, minus(Term.GOT)),
    GOT_A_P("GOT + A - P", Term.GOT, Term.A, minus(Term.P)),
    L_GOT_A("L - GOT + A", Term.L, minus(Term.GOT), Term.A),
    L_A("L + A", Term.L, Term.A),
    Z_A("Z + A", Term.Z, Term.A),
    B_A("B + A", Term.B, Term.A),
    /**
     * A pc-relative call that may go through a table entry (ia64's PCREL21B, as Linux applies
     * it): E - P, which is S + A - P when the site needs no entry.
     */
    E_P("E - P", Term.E, minus(Term.P)),
    /** ia64 {@code @gprel(S + A)}. */
    GPREL("@gprel(S + A)", Term.S, Term.A, minus(Term.GP)),
    /** ia64 {@code @ltoff(S + A)}: the gp-relative offset of the GOT entry holding S + A. */
    LTOFF("@ltoff(S + A)", Term.E, minus(Term.GP)),
    /** ia64 {@code @pltoff(S + A)} as Linux's get_plt computes it: the PLT entry's address. */
    PLTOFF("@pltoff(S + A)", Term.E),
    /** ia64 {@code @fptr(S + A)}: the address of a function descriptor, S + A when that already is one. */
    FPTR("@fptr(S + A)", Term.E),
    /** ia64 {@code @ltoff(@fptr(S + A))}. */
    LTOFF_FPTR("@ltoff(@fptr(S + A))", Term.E, minus(Term.GP)),
    /** ia64 {@code @segrel(S + A)}; Linux makes 0 the segment base of modules. */
    SEGREL("@segrel(S + A)", Term.S, Term.A),
    /** ia64 {@code @secrel(S + A)}, relative to the patched section as Linux computes it. */
    SECREL("@secrel(S + A)", Term.S, Term.A, minus(Term.SEC)),
    /** ia64 {@code BD + A}-style base-relative (Linux: S + A - the base of its region). */
    BDREL("S + A - BD", Term.S, Term.A, minus(Term.BD)),
    /** ia64 {@code A - S} (R_IA64_SUB). */
    A_S("A - S", Term.A, minus(Term.S)),
    /**
     * A computation the psABI gives in prose or leaves blank (TLS, copy, IRELATIVE, ia64's
     * IPLT); the core never evaluates it: the architecture refuses or writes it itself.
     */
    SPECIAL("special");

    /** A term with its sign. */
    public record Signed(Term term, boolean negative) {
    }

    private final String text;
    private final List<Signed> terms;
    /** The terms as arrays, for {@link #evaluate}: it runs once per relocation and must not allocate. */
    private final Term[] term;
    private final boolean[] negative;
    private final boolean direct;

    Formula(String text, Object... terms) {
        this.text = text;
        this.terms = java.util.Arrays.stream(terms)
                .map(t -> t instanceof Signed s ? s : new Signed((Term) t, false)).toList();
        this.term = this.terms.stream().map(Signed::term).toArray(Term[]::new);
        this.negative = new boolean[this.terms.size()];
        for (int i = 0; i < negative.length; i++) {
            negative[i] = this.terms.get(i).negative();
        }
        boolean d = !text.equals("special");
        for (Term t : term) {
            d &= t != Term.GOT && t != Term.GP && t != Term.G;
        }
        this.direct = d;
    }

    private static Signed minus(Term t) {
        return new Signed(t, true);
    }

    /** The psABI's spelling, e.g. {@code G + GOT + A - P}. */
    public String text() {
        return text;
    }

    /** The signed terms summed; empty for {@link #NONE} and {@link #SPECIAL}. */
    public List<Signed> terms() {
        return terms;
    }

    /** The terms used, whatever their sign. */
    public Set<Term> uses() {
        Set<Term> s = EnumSet.noneOf(Term.class);
        terms.forEach(t -> s.add(t.term()));
        return s;
    }

    /** Whether the core computes this formula (everything but {@link #SPECIAL}). */
    public boolean evaluated() {
        return this != SPECIAL;
    }

    /**
     * The value for {@code o}. Called once per relocation by the engine.
     *
     * @throws IllegalStateException for {@link #SPECIAL}, or when a term the formula needs has
     *     no value (a plugin whose rule gave no entry to a row whose formula needs one)
     */
    public long evaluate(Operands o) {
        if (this == SPECIAL) {
            throw new IllegalStateException("the core does not evaluate special formulas");
        }
        long v = 0;
        for (int i = 0; i < term.length; i++) {
            long x = o.value(term[i]);
            v = negative[i] ? v - x : v + x;
        }
        return v;
    }

    /**
     * Whether {@link #evaluate(long, long, long, long, long, long, long)} computes this formula:
     * it is evaluated by the core and uses none of GOT, GP and G, which only a link with tables
     * knows.
     */
    public boolean direct() {
        return direct;
    }

    /**
     * The value {@link #evaluate(Operands)} gives for operands with these terms, no GOT, no GP
     * and no table entry (so L is S and E is S + A): the link engine's hot loop, which makes no
     * {@link Operands} per relocation.
     *
     * @throws IllegalStateException when the formula is not {@link #direct()}
     */
    public long evaluate(long s, long a, long p, long z, long b, long sec, long bd) {
        if (!direct) {
            throw new IllegalStateException(text + " needs more than S, A, P, Z, B, SEC and BD");
        }
        long v = 0;
        for (int i = 0; i < term.length; i++) {
            long x = switch (term[i]) {
                case S, L -> s;
                case A -> a;
                case P -> p;
                case Z -> z;
                case B -> b;
                case SEC -> sec;
                case BD -> bd;
                case E -> s + a;
                default -> throw new IllegalStateException(text + " needs " + term[i]);
            };
            v = negative[i] ? v - x : v + x;
        }
        return v;
    }

    @Override
    public String toString() {
        return text;
    }
}
