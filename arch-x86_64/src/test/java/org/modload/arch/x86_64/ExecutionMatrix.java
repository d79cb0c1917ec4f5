package org.modload.arch.x86_64;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.modload.loader.testing.exec.Abi;
import org.modload.loader.testing.exec.CellId;
import org.modload.loader.testing.exec.Expectation;
import org.modload.loader.testing.exec.KnownGaps;
import org.modload.loader.testing.exec.ObjectFiles;
import org.modload.loader.testing.exec.PeerExpectation;
import org.modload.loader.testing.exec.TestProgram;
import org.modload.loader.testing.exec.Variant;
import org.modload.loader.testing.kit.Execution;

/**
 * The x86_64 execution matrix the conformance kit runs (issue 9, Must show 1 and 2): the test
 * programs built by gcc in every variant, linked by the engine (PERMISSIVE) far from libc (below
 * 2 GiB, more than 4 GiB away: stubs and the GOT needed) and near it (within 1 GiB: direct calls
 * and relaxation apply), run by runimage, with output and exit status equal to the normally built
 * program's; every GOT/PLT site followed and relaxed sites compared with GNU ld; llvm-jitlink-14
 * as the peer. The kit prints the table.
 */
final class ExecutionMatrix {
    static final List<String> OPTS = List.of("-O0", "-O2", "-Os");
    static final List<String> PIC = List.of("-fPIC");
    static final List<String> PIE = List.of("-fPIE");
    static final List<String> NOPIC = List.of("-fno-pic");
    static final List<String> NOPIC_MEDIUM = List.of("-fno-pic", "-mcmodel=medium");
    static final List<String> PIC_LARGE = List.of("-fPIC", "-mcmodel=large");
    static final List<String> PIC_NOPLT = List.of("-fPIC", "-fno-plt");
    /** Not asked for by issue 9, but absolute code that needs no tables: it runs anywhere today. */
    static final List<String> NOPIC_LARGE = List.of("-fno-pic", "-mcmodel=large");

    static final List<Variant> VARIANTS = Variant.product(OPTS,
            List.of(PIC, PIE, NOPIC, NOPIC_MEDIUM, PIC_LARGE, PIC_NOPLT, NOPIC_LARGE));

    static final List<String> PROGRAMS = TestProgram.all().stream().map(TestProgram::name).toList();
    static final List<String> SINGLE_OBJECT = TestProgram.all().stream().filter(p -> p.sources().size() == 1)
            .map(TestProgram::name).toList();

    /**
     * A located out-of-range refusal: {@code type} and its range are matched together, the value
     * (which depends on where ASLR put libc and the region) is the only part not matched literally.
     */
    static Pattern outOfRange(Map<String, String> rangeByType, String symbols) {
        StringBuilder alternatives = new StringBuilder();
        rangeByType.forEach((type, range) -> alternatives.append(alternatives.length() == 0 ? "" : "|")
                .append("(?=").append(type).append(" out of range: -?\\d+ is not in \\[")
                .append(Pattern.quote(range)).append("\\];)"));
        return Pattern.compile("(?<object>[\\w.]+\\.o):\\((?<section>[^+]+)\\+0x(?<offset>[0-9a-f]+)\\): relocation "
                + "(?:" + alternatives + ")(?<type>R_X86_64_\\w+) out of range: -?\\d+ is not in \\[[-0-9, ]+\\]; "
                + "references '(?<symbol>" + symbols + ")'(?: \\(.*\\))?");
    }

    /**
     * -fno-pic small and medium code addresses its own code and data with R_X86_64_32 and
     * R_X86_64_32S (absolute, zero- or sign-extended 32 bits): an image placed near libc, above
     * 4 GiB, cannot be reached that way in principle.
     */
    static final Expectation NON_PIC_ABOVE_4GIB = new Expectation.Refusal(
            "-fno-pic small/medium code needs its addresses below 2 GiB (R_X86_64_32S) or 4 GiB (R_X86_64_32)",
            outOfRange(Map.of("R_X86_64_32S", "-2147483648, 2147483647", "R_X86_64_32", "0, 4294967295"), "[^']+"),
            Map.of(10, "R_X86_64_32", 11, "R_X86_64_32S"));

    /**
     * Non-PIC code, and PIE code (gcc assumes copy relocations for PIE), reaches libc's data
     * objects (stdout, stderr, optind) with R_X86_64_PC32 from the instruction: from the far
     * region no 32-bit displacement reaches libc, and without a copy relocation (which a loader
     * that maps into a running process cannot make: libc already uses its own copy) nothing can.
     * The refusal names the symbol at the site.
     */
    static final Expectation LIBC_DATA_NEEDS_COPY_RELOCATION = new Expectation.Refusal(
            "libc data reached with R_X86_64_PC32 from more than 2 GiB away needs a copy relocation",
            outOfRange(Map.of("R_X86_64_PC32", "-2147483648, 2147483647"), "stdout|stderr|optind"),
            Map.of(2, "R_X86_64_PC32"));

    /**
     * -fno-pic small and medium code that takes a libc function's address as a 32-bit immediate
     * (R_X86_64_32/32S, e.g. {@code if (&strnlen)}): libc lies above 4 GiB; an executable gets
     * a canonical PLT entry there, which a loader mapping into a running process cannot make the
     * process's own references agree with.
     */
    static final Expectation LIBC_ADDRESS_AS_IMMEDIATE = new Expectation.Refusal(
            "-fno-pic code takes a libc address as a 32-bit immediate; libc lies above 4 GiB",
            outOfRange(Map.of("R_X86_64_32S", "-2147483648, 2147483647", "R_X86_64_32", "0, 4294967295"), "[^']+"),
            Map.of(10, "R_X86_64_32", 11, "R_X86_64_32S"));

    /** libc's data objects the programs use. */
    static final java.util.Set<String> LIBC_DATA = java.util.Set.of("stdout", "stderr", "optind");

    /**
     * What a cell must show, from the variant, the placement and what gcc's objects reference
     * (at -O2 gcc turns a printf into fputs(.., stdout), so any program may reach libc data).
     */
    static Expectation expectation(CellId c, ObjectFiles input) {
        boolean smallNonPic = c.variant().endsWith("-fno-pic") || c.variant().endsWith("-fno-pic -mcmodel=medium");
        if (c.placement().equals("near") && smallNonPic) {
            return NON_PIC_ABOVE_4GIB;
        }
        if (c.placement().equals("far") && (smallNonPic || c.variant().endsWith("-fPIE"))
                && input.references(LIBC_DATA, java.util.Set.of(2))) {
            return LIBC_DATA_NEEDS_COPY_RELOCATION;
        }
        if (c.placement().equals("far") && smallNonPic && input.references(java.util.Set.of(), java.util.Set.of(10, 11))) {
            return LIBC_ADDRESS_AS_IMMEDIATE;
        }
        return Expectation.runs();
    }

    /** JITLink 14 has no R_X86_64_32/32S (small non-PIC code) and no PLTOFF64 (large-model PIC). */
    static PeerExpectation peer(TestProgram p, Variant v) {
        String name = v.name();
        if (name.endsWith("-fno-pic") || name.endsWith("-fno-pic -mcmodel=medium")) {
            return PeerExpectation.refuses("^JIT session error: Unsupported x86-64 relocation type 1[01]: R_X86_64_32S?$",
                    "JITLink 14 does not implement R_X86_64_32/32S");
        }
        if (name.endsWith("-fPIC -mcmodel=large")) {
            return PeerExpectation.refuses("^JIT session error: Unsupported x86-64 relocation type 31: R_X86_64_PLTOFF64$",
                    "JITLink 14 does not implement the large model's PLTOFF64");
        }
        return PeerExpectation.runs();
    }

    static List<Variant> variants(List<String> model) {
        return Variant.product(OPTS, List.of(model));
    }

    @SafeVarargs
    static List<Variant> variants(List<String>... models) {
        return Variant.product(OPTS, List.of(models));
    }

    static List<String> except(List<String> programs, String... without) {
        return programs.stream().filter(p -> !List.of(without).contains(p)).toList();
    }

    /**
     * The cells that miss their expectation today, exactly; the lead empties this as the engine
     * grows (issue 9). Each rule names what the engine lacks.
     */
    static final KnownGaps GAPS = KnownGaps.none();

    private ExecutionMatrix() {
    }

    /** The whole matrix, every cell as specified. */
    static Execution execution() {
        return new Execution(Abi.X86_64, TestProgram.all(), VARIANTS, ExecutionMatrix::expectation, GAPS,
                ExecutionMatrix::peer);
    }
}
