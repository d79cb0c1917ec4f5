package org.modload.loader.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;

import org.modload.loader.reloc.Formula;
import org.modload.loader.reloc.Operands;

/**
 * Checks a row's {@link Formula} against the psABI's calculation as the document writes it,
 * independently of the formula's own spelling: the text is parsed here (a signed sum of the
 * document's symbols, and the ia64 psABI's {@code @gprel}, {@code @ltoff}, {@code @pltoff},
 * {@code @fptr}, {@code @segrel}, {@code @secrel} operators with their meaning under Linux's
 * module loader) and both are evaluated on the same random operands, with a table entry
 * present. Text the document gives in prose, or leaves empty, must be a {@link Formula#SPECIAL}
 * row; {@code none} a {@link Formula#NONE} one; of alternatives ("G + A - GOT / G + A") the
 * first is the one the row evaluates.
 */
public final class PsAbiCalculation {

    /** What a psABI's G stands for. */
    public enum G {
        /** AMD64: the offset of the entry from GOT. */
        OFFSET,
        /** i386 (since the GOT32X revision): the address of the entry. */
        ADDRESS
    }

    private final G g;

    public PsAbiCalculation(G g) {
        this.g = g;
    }

    /** Empty when {@code text} and {@code formula} agree, else why not. */
    public String check(String text, Formula formula) {
        String t = text.strip();
        if (t.isEmpty()) {
            return formula == Formula.SPECIAL ? "" : "the psABI leaves it blank, so the row must be SPECIAL";
        }
        if (t.equals("none")) {
            return formula == Formula.NONE ? "" : "the psABI computes nothing";
        }
        int alt = t.indexOf(" / ");
        if (alt >= 0) {
            t = t.substring(0, alt);
        }
        Random random = new Random(t.hashCode());
        // A table entry exists where the document's calculation names one; elsewhere the row
        // must compute the same without one (ia64's PCREL21B: E - P is S + A - P then).
        boolean entry = usesEntry(t);
        for (int i = 0; i < 8; i++) {
            Operands o = new Operands(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong(),
                    random.nextLong(), OptionalLong.of(random.nextLong()), OptionalLong.of(random.nextLong()),
                    entry ? OptionalLong.of(random.nextLong()) : OptionalLong.empty(), random.nextLong(),
                    random.nextLong());
            OptionalLong expected = evaluate(t, o);
            if (expected.isEmpty()) {
                return formula == Formula.SPECIAL ? "" : "the psABI gives it in prose, so the row must be SPECIAL";
            }
            if (!formula.evaluated()) {
                return "the psABI's calculation can be evaluated, but the row is SPECIAL";
            }
            long ours = formula.evaluate(o);
            if (ours != expected.getAsLong()) {
                return "evaluates to " + ours + " where the psABI's text gives " + expected.getAsLong();
            }
        }
        return "";
    }

    private static boolean usesEntry(String text) {
        List<String> tokens = tokens(text);
        return tokens != null && tokens.stream().anyMatch(tok -> tok.equals("G") || tok.equals("L") || tok.equals("E")
                || tok.equals("@ltoff") || tok.equals("@pltoff") || tok.equals("@fptr"));
    }

    /** The value of {@code text} for {@code o}, or empty when it is not a calculation this parser reads. */
    OptionalLong evaluate(String text, Operands o) {
        List<String> tokens = tokens(text);
        if (tokens == null) {
            return OptionalLong.empty();
        }
        int[] at = {0};
        OptionalLong v = sum(tokens, at, o);
        return at[0] == tokens.size() ? v : OptionalLong.empty();
    }

    private static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ' ') {
                i++;
            } else if (c == '+' || c == '-' || c == '(' || c == ')') {
                out.add(String.valueOf(c));
                i++;
            } else if (c == '@' || Character.isLetter(c)) {
                int j = i + 1;
                while (j < text.length() && Character.isLetterOrDigit(text.charAt(j))) {
                    j++;
                }
                out.add(text.substring(i, j));
                i = j;
            } else {
                return null;
            }
        }
        return out;
    }

    private OptionalLong sum(List<String> t, int[] at, Operands o) {
        long v = 0;
        boolean negative = false;
        boolean expectTerm = true;
        while (at[0] < t.size()) {
            String tok = t.get(at[0]);
            if (expectTerm) {
                OptionalLong x = term(t, at, o);
                if (x.isEmpty()) {
                    return x;
                }
                v = negative ? v - x.getAsLong() : v + x.getAsLong();
                expectTerm = false;
            } else if (tok.equals("+") || tok.equals("-")) {
                negative = tok.equals("-");
                expectTerm = true;
                at[0]++;
            } else {
                break;
            }
        }
        return expectTerm ? OptionalLong.empty() : OptionalLong.of(v);
    }

    private OptionalLong term(List<String> t, int[] at, Operands o) {
        String tok = t.get(at[0]++);
        if (tok.startsWith("@")) {
            if (at[0] >= t.size() || !t.get(at[0]).equals("(")) {
                return OptionalLong.empty();
            }
            at[0]++;
            OptionalLong inner = sum(t, at, o);
            if (inner.isEmpty() || at[0] >= t.size() || !t.get(at[0]).equals(")")) {
                return OptionalLong.empty();
            }
            at[0]++;
            long x = inner.getAsLong();
            long gp = o.gp().orElseThrow();
            long entry = o.entry().orElse(0);
            return switch (tok) {
                case "@gprel" -> OptionalLong.of(x - gp);
                // The entries hold x; what the row computes is the entry's address (gp-relative for @ltoff).
                case "@ltoff" -> OptionalLong.of(entry - gp);
                case "@pltoff", "@fptr" -> OptionalLong.of(entry);
                // Linux makes 0 the segment base of a module.
                case "@segrel" -> OptionalLong.of(x);
                case "@secrel" -> OptionalLong.of(x - o.sec());
                default -> OptionalLong.empty();
            };
        }
        long got = o.got().orElseThrow();
        long entry = o.entry().orElse(0);
        return switch (tok) {
            case "S" -> OptionalLong.of(o.s());
            case "A" -> OptionalLong.of(o.a());
            case "P" -> OptionalLong.of(o.p());
            case "Z" -> OptionalLong.of(o.z());
            case "B" -> OptionalLong.of(o.b());
            case "GOT" -> OptionalLong.of(got);
            case "GP" -> OptionalLong.of(o.gp().orElseThrow());
            case "L", "E" -> OptionalLong.of(entry);
            case "BD" -> OptionalLong.of(o.bd());
            case "G" -> OptionalLong.of(g == G.OFFSET ? entry - got : entry);
            default -> OptionalLong.empty();
        };
    }
}
