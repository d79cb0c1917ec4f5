package org.modload.loader.testing.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One instruction as objdump decoded it (AT&T syntax), with the few readings the site checks
 * need: a branch's target, an immediate, a memory operand and its effective address.
 *
 * @param address where it starts
 * @param length its length in bytes
 * @param mnemonic the mnemonic without prefixes such as {@code addr32}, {@code bnd}, {@code notrack}
 * @param operands the operand text, e.g. {@code 0x10(%rip),%rax}
 * @param ripTarget the effective address objdump computed for a {@code %rip}-relative operand
 *     (its {@code # 0x...} comment)
 */
public record Instruction(long address, int length, String mnemonic, String operands, OptionalLong ripTarget) {

    private static final Pattern HEX = Pattern.compile("-?0x[0-9a-f]+");
    /** {@code disp(%base)}, {@code disp(%base,%index,scale)}, {@code (%base)}; disp may be absent. */
    private static final Pattern MEMORY = Pattern.compile("\\*?(-?0x[0-9a-f]+)?\\((%[a-z0-9]+)?(?:,%[a-z0-9]+)?(?:,\\d)?\\)");

    /** The address just after it. */
    public long end() {
        return address + length;
    }

    /** Whether it is a call or a jump (conditional or not). */
    public boolean isBranch() {
        return mnemonic.startsWith("call") || mnemonic.startsWith("j");
    }

    /** A direct branch's target ({@code call 0x401000}); empty for indirect branches and other instructions. */
    public OptionalLong directTarget() {
        if (!isBranch() || operands.startsWith("*")) {
            return OptionalLong.empty();
        }
        Matcher m = HEX.matcher(operands);
        return m.lookingAt() ? OptionalLong.of(parse(m.group())) : OptionalLong.empty();
    }

    /** Whether it is an indirect branch ({@code jmp *...}, {@code call *...}). */
    public boolean isIndirectBranch() {
        return isBranch() && operands.startsWith("*");
    }

    /** The operands split at top-level commas. */
    public List<String> operandList() {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < operands.length(); i++) {
            char c = operands.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(operands.substring(start, i));
                start = i + 1;
            }
        }
        if (!operands.isEmpty()) {
            out.add(operands.substring(start));
        }
        return out;
    }

    /** The first {@code $imm} operand, as a 64-bit value; empty when there is none. */
    public OptionalLong immediate() {
        for (String op : operandList()) {
            if (op.startsWith("$")) {
                Matcher m = HEX.matcher(op.substring(1));
                if (m.matches()) {
                    return OptionalLong.of(parse(m.group()));
                }
            }
        }
        return OptionalLong.empty();
    }

    /**
     * The memory operand: base register (empty for an absolute address or %rip) and displacement;
     * an absolute operand ({@code 0x10001000}, {@code *0x10001000}) has no register.
     */
    public Optional<Memory> memory() {
        for (String op : operandList()) {
            if (op.startsWith("$") || op.startsWith("%") || op.startsWith("*%")) {
                continue;
            }
            Matcher m = MEMORY.matcher(op);
            if (m.matches()) {
                long disp = m.group(1) == null ? 0 : parse(m.group(1));
                return Optional.of(new Memory(m.group(2) == null ? "" : m.group(2), disp, op.contains(",%")));
            }
            Matcher abs = HEX.matcher(op.startsWith("*") ? op.substring(1) : op);
            if (abs.matches() && !isBranch() || abs.matches() && op.startsWith("*")) {
                return Optional.of(new Memory("", parse(abs.group()), false));
            }
        }
        return Optional.empty();
    }

    /**
     * A memory operand.
     *
     * @param base the base register ({@code %ebx}, {@code %rip}), empty for an absolute address
     * @param displacement the displacement, or the absolute address
     * @param indexed whether an index register is added too
     */
    public record Memory(String base, long displacement, boolean indexed) {
    }

    /** The text as objdump printed it. */
    @Override
    public String toString() {
        return String.format("0x%x: %s %s", address, mnemonic, operands);
    }

    static long parse(String hex) {
        boolean negative = hex.startsWith("-");
        long v = Long.parseUnsignedLong(hex.substring(negative ? 3 : 2), 16);
        return negative ? -v : v;
    }
}
