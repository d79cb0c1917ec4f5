package org.modload.loader.testing.exec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;


/**
 * Must show 2 of issue 9, from outside the linker: every GOT/PLT-type relocation site of the
 * input objects is found in the linked image, its instruction decoded by objdump and followed.
 * A GOT load must reach a word holding S (the addend belongs to the pc-relative part on x86);
 * a relaxed load must produce S itself; a call must reach S or a stub that jumps, through a word
 * holding S, to S. Stubs are followed as objdump decodes them, whatever their format.
 *
 * <p>S comes from {@link SymbolValues}; the GOT's address from the image's own code (the
 * GOTPC sequences as the program computes it at run time). Nothing is taken from the linker's
 * relocation arithmetic.
 */
public final class SiteChecker {
    private final Abi abi;
    private final ObjectFiles input;
    private final LinkedImage image;
    private final SymbolValues values;
    private final Disassembly code;

    public SiteChecker(Abi abi, SymbolValues values, LinkedImage image, Disassembly code) {
        this.abi = abi;
        this.input = values.input();
        this.image = image;
        this.values = values;
        this.code = code;
    }

    /**
     * What the checks found.
     *
     * @param counts per relocation type and what its sites reach ({@code R_X86_64_PLT32 -> stub}),
     *     the number of sites
     * @param problems one line per site that does not reach what it must; empty when all do
     */
    public record Report(Map<String, Integer> counts, List<String> problems) {
        public Report {
            counts = Collections.unmodifiableMap(new TreeMap<>(counts));
            problems = List.copyOf(problems);
        }

        /** The number of sites checked. */
        public int sites() {
            return counts.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** {@code R_X86_64_PLT32 stub 12, ...} for the table's notes. */
        public String summary() {
            StringBuilder sb = new StringBuilder();
            counts.forEach((k, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(n));
            return sb.toString();
        }
    }

    /** Checks every site. */
    public Report check() {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> counts = new TreeMap<>();
        List<GotPltSite> sites = GotPltSite.all(abi, input, image, problems);
        OptionalLong got = gotBase(sites, problems);
        for (GotPltSite s : sites) {
            String reached;
            try {
                reached = follow(s, got);
            } catch (SiteProblem p) {
                problems.add(s.where() + ": " + p.getMessage());
                reached = "FAILED";
            }
            counts.merge(s.kind() + " " + reached, 1, Integer::sum);
        }
        return new Report(counts, problems);
    }

    /** A site that does not reach what it must; the message says what it reaches instead. */
    private static final class SiteProblem extends Exception {
        private static final long serialVersionUID = 1L;

        SiteProblem(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The GOT's address as the program computes it: x86_64 {@code lea _GLOBAL_OFFSET_TABLE_(%rip)}
     * (GOTPC32) or {@code movabs $_GLOBAL_OFFSET_TABLE_-.L, %r11} added to {@code .L} (GOTPC64),
     * i386 {@code call thunk; add $_GLOBAL_OFFSET_TABLE_, %reg} (the thunk returns the add's
     * address). Every such sequence must give the same address.
     */
    private OptionalLong gotBase(List<GotPltSite> sites, List<String> problems) {
        TreeSet<Long> seen = new TreeSet<>();
        for (GotPltSite s : sites) {
            if (s.kind().rule() != SiteKind.Rule.GOT_BASE) {
                continue;
            }
            try {
                Instruction i = instructionAt(s);
                long got;
                if (s.kind() == SiteKind.R_X86_64_GOTPC32) {
                    got = i.ripTarget().orElseThrow(() -> new SiteProblem("not %rip-relative: " + i));
                } else {
                    long imm = immediate(i);
                    if (s.kind() == SiteKind.R_X86_64_GOTPC64) {
                        // movabs $_GLOBAL_OFFSET_TABLE_-.L, %r11 is added to .L, which the code
                        // materializes with a lea (scheduled anywhere in the function); .L is
                        // where the addend says: P - A.
                        got = s.place() - s.addend() + imm;
                    } else {
                        Instruction before = code.previous(i).orElseThrow(() -> new SiteProblem("nothing before " + i));
                        if (!before.mnemonic().startsWith("call") || before.directTarget().isEmpty()) {
                            throw new SiteProblem("not after a call to a pc thunk: " + before + "; " + i);
                        }
                        got = i.address() + imm;
                    }
                }
                seen.add(word(got));
            } catch (SiteProblem p) {
                problems.add(s.where() + ": " + p.getMessage());
            }
        }
        if (seen.size() > 1) {
            problems.add("the GOTPC sequences disagree on the GOT's address: " + hex(seen));
        }
        return seen.isEmpty() ? OptionalLong.empty() : OptionalLong.of(seen.first());
    }

    private String follow(GotPltSite s, OptionalLong got) throws SiteProblem {
        if (s.kind().rule() == SiteKind.Rule.UNFOLLOWED) {
            throw new SiteProblem("no rule to follow this type (gcc was not expected to emit it)");
        }
        if (s.kind().rule() == SiteKind.Rule.GOT_BASE) {
            return "GOT base";
        }
        long sym = values.value(s.object(), s.symbol())
                .orElseThrow(() -> new SiteProblem("symbol has no value (unresolved)"));
        Optional<LinkedImage.Piece> piece = image.pieceAt(s.place());
        if (piece.isEmpty()) {
            throw new SiteProblem(String.format("place 0x%x is in no piece of the image", s.place()));
        }
        boolean inCode = piece.get().protection().executable();
        switch (s.kind().rule()) {
            case BRANCH -> {
                requireAddend(s, -4);
                Instruction i = instructionAt(s);
                long target = i.directTarget().orElseThrow(() -> new SiteProblem("not a direct branch: " + i));
                return reachesCode(target, sym, got, i);
            }
            case GOT_PCREL -> {
                Instruction i = instructionAt(s);
                if (i.ripTarget().isPresent()) {
                    // The field need not end the instruction (cmpq $0, x@GOTPCREL(%rip) has
                    // A = -5): the operand addresses the entry plus A + (end - P), which is 0
                    // when the field ends it.
                    long ea = i.ripTarget().getAsLong() - (s.addend() + (i.end() - s.place()));
                    if (i.mnemonic().startsWith("lea")) {
                        expect(ea, sym, "relaxed lea reaches", i);
                        return "relaxed lea";
                    }
                    expectWord(ea, sym, i);
                    return "GOT entry";
                }
                // ld's relaxed forms exist only for mov, call, jmp and the binary operations,
                // whose field ends the instruction.
                requireAddend(s, -4);
                if (i.directTarget().isPresent()) {
                    expect(i.directTarget().getAsLong(), sym, "relaxed branch reaches", i);
                    return "relaxed branch";
                }
                if (i.immediate().isPresent()) {
                    expect(i.immediate().getAsLong(), sym, "relaxed immediate is", i);
                    return "relaxed immediate";
                }
                throw new SiteProblem("instruction not understood: " + i);
            }
            case GOT_OFFSET_OF_SYMBOL -> {
                long g = got.orElseThrow(() -> new SiteProblem("no GOTPC sequence gives the GOT's address"));
                if (!inCode) {
                    long w = image.word(s.place(), fieldSize(s)).orElseThrow();
                    expect(g + w, sym + s.addend(), "data word GOT + value reaches", null);
                    return "data word";
                }
                Instruction i = instructionAt(s);
                long v = displacementOrImmediate(s, i);
                expect(g + v, sym + s.addend(), "GOT + offset reaches", i);
                return "offset";
            }
            case GOT_ENTRY_OFFSET -> {
                Instruction i = instructionAt(s);
                return followGotEntryOffset(s, i, sym, got);
            }
            case PLT_OFFSET -> {
                long g = got.orElseThrow(() -> new SiteProblem("no GOTPC sequence gives the GOT's address"));
                Instruction i = instructionAt(s);
                long target = g + immediate(i) - s.addend();
                return reachesCode(target, sym, got, i);
            }
            default -> throw new SiteProblem("unhandled rule " + s.kind().rule());
        }
    }

    /** x86_64 GOT64 ({@code movabs $sym@GOT}) and i386 GOT32/GOT32X in their decoded forms. */
    private String followGotEntryOffset(GotPltSite s, Instruction i, long sym, OptionalLong got) throws SiteProblem {
        if (s.kind() == SiteKind.R_X86_64_GOT64) {
            long g = got.orElseThrow(() -> new SiteProblem("no GOTPC sequence gives the GOT's address"));
            expectWord(g + immediate(i) - s.addend(), sym, i);
            return "GOT entry";
        }
        Optional<Instruction.Memory> m = i.memory();
        if (m.isPresent() && !m.get().indexed()) {
            long disp = m.get().displacement();
            boolean based = !m.get().base().isEmpty();
            long g = based ? got.orElseThrow(() -> new SiteProblem("no GOTPC sequence gives the GOT's address")) : 0;
            if (i.mnemonic().startsWith("lea")) {
                // GOT32X relaxed: mov foo@GOT(%reg) becomes lea foo@GOTOFF(%reg).
                expect(g + disp, sym + s.addend(), "relaxed lea reaches", i);
                return "relaxed lea";
            }
            expectWord(g + disp - s.addend(), sym, i);
            return "GOT entry";
        }
        if (i.directTarget().isPresent()) {
            expect(i.directTarget().getAsLong(), sym, "relaxed branch reaches", i);
            return "relaxed branch";
        }
        if (i.immediate().isPresent()) {
            expect(i.immediate().getAsLong(), sym + s.addend(), "relaxed immediate is", i);
            return "relaxed immediate";
        }
        throw new SiteProblem("instruction not understood: " + i);
    }

    /** A branch (or PLTOFF) target: S itself, or a stub whose first instruction jumps to S. */
    private String reachesCode(long target, long sym, OptionalLong got, Instruction site) throws SiteProblem {
        if (word(target) == word(sym)) {
            return "direct";
        }
        Instruction j = code.startingAt(target).orElseThrow(() -> new SiteProblem(String.format(
                "%s reaches 0x%x, which is neither S (0x%x) nor an instruction in code", site, target, sym)));
        if (j.mnemonic().startsWith("jmp") && j.isIndirectBranch()) {
            long entry = memoryAddress(j, got);
            expectWord(entry, sym, j);
            return "stub";
        }
        if (j.mnemonic().startsWith("jmp") && j.directTarget().isPresent()) {
            expect(j.directTarget().getAsLong(), sym, "stub's jump reaches", j);
            return "stub";
        }
        if (j.mnemonic().startsWith("mov") && j.immediate().isPresent()) {
            Instruction k = code.next(j).orElseThrow(() -> new SiteProblem("stub ends after " + j));
            if (k.mnemonic().startsWith("jmp") && k.operands().startsWith("*%")) {
                expect(j.immediate().getAsLong(), sym, "stub's register jump reaches", j);
                return "stub";
            }
        }
        throw new SiteProblem(String.format("%s reaches 0x%x, neither S (0x%x) nor a stub understood: %s", site,
                target, sym, j));
    }

    /** Where a memory operand points: %rip-relative, absolute, or GOT-based (i386). */
    private long memoryAddress(Instruction j, OptionalLong got) throws SiteProblem {
        if (j.ripTarget().isPresent()) {
            return j.ripTarget().getAsLong();
        }
        Instruction.Memory m = j.memory().orElseThrow(() -> new SiteProblem("no memory operand: " + j));
        if (m.base().isEmpty()) {
            return m.displacement();
        }
        long g = got.orElseThrow(() -> new SiteProblem("register-based stub without a known GOT: " + j));
        return g + m.displacement();
    }

    private long displacementOrImmediate(GotPltSite s, Instruction i) throws SiteProblem {
        Optional<Instruction.Memory> m = i.memory();
        if (m.isPresent() && !m.get().base().isEmpty()) {
            return m.get().displacement();
        }
        return immediate(i);
    }

    private static long immediate(Instruction i) throws SiteProblem {
        return i.immediate().orElseThrow(() -> new SiteProblem("no immediate: " + i));
    }

    private Instruction instructionAt(GotPltSite s) throws SiteProblem {
        return code.containing(s.place()).orElseThrow(() -> new SiteProblem(String.format(
                "place 0x%x is not inside a decoded instruction of an executable piece", s.place())));
    }

    private static void requireAddend(GotPltSite s, long a) throws SiteProblem {
        if (s.addend() != a) {
            throw new SiteProblem("addend " + s.addend() + ", the checks follow only " + a
                    + " (the field at the instruction's end)");
        }
    }

    private int fieldSize(GotPltSite s) {
        return s.kind() == SiteKind.R_X86_64_GOTOFF64 ? 8 : 4;
    }

    private void expectWord(long entry, long sym, Instruction i) throws SiteProblem {
        OptionalLong w = image.word(word(entry), abi.wordSize());
        if (w.isEmpty()) {
            throw new SiteProblem(String.format("%s: its entry 0x%x is outside the image", i, entry));
        }
        expect(w.getAsLong(), sym, String.format("the entry at 0x%x holds", word(entry)), i);
    }

    private void expect(long actual, long wanted, String what, Instruction i) throws SiteProblem {
        if (word(actual) != word(wanted)) {
            throw new SiteProblem(String.format("%s%s 0x%x, expected 0x%x", i == null ? "" : i + ": ", what,
                    word(actual), word(wanted)));
        }
    }

    /** A value as an address of the ABI: i386 arithmetic wraps at 32 bits. */
    private long word(long v) {
        return abi.wordSize() == 4 ? v & 0xffffffffL : v;
    }

    private static String hex(Collection<Long> vs) {
        return vs.stream().map(v -> "0x" + Long.toHexString(v)).toList().toString();
    }
}
