package org.modload.loader.testing.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle checked without the code under test: GNU ld links the test programs at runimage's
 * addresses ({@link PinnedLd}); the images run and print what the normally built programs print,
 * every site check holds on ld's GOT, PLT and relaxed instructions, and ld agrees with itself.
 * Then corrupted images and wrong expectations show that each check fails when it must.
 */
class ReferenceLinkTest {
    @TempDir
    Path work;

    /** One way to build and place the programs with ld. */
    record Way(Abi abi, Variant variant, String placement, PinnedLd.Mode mode) {
    }

    /** Between them, every rule of the site checks meets what ld makes. */
    static final List<Way> WAYS = List.of(
            new Way(Abi.X86_64, Variant.of("-O2", "-fPIC"), "near", PinnedLd.Mode.RELAX_PIE),
            new Way(Abi.X86_64, Variant.of("-Os", "-fPIC", "-mcmodel=large"), "far", PinnedLd.Mode.NO_RELAX),
            new Way(Abi.I386, Variant.of("-O2", "-fPIC"), "low", PinnedLd.Mode.RELAX_NO_PIE),
            new Way(Abi.I386, Variant.of("-O0", "-fPIE"), "near", PinnedLd.Mode.RELAX_NO_PIE));

    private static List<TestProgram> singleObject() {
        return TestProgram.all().stream().filter(p -> p.sources().size() == 1).toList();
    }

    @Test
    void ldImagesRunAsTheNormallyBuiltProgramsAndPassEverySiteCheck() {
        Set<String> kinds = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        int relaxedCompared = 0;
        for (Abi abi : Abi.values()) {
            Gcc gcc = Gcc.forAbi(abi, work);
            RunImage runImage = RunImage.build(gcc, LdCell.temp(work, "runimage"));
            for (Way w : WAYS.stream().filter(w -> w.abi() == abi).toList()) {
                for (TestProgram p : singleObject()) {
                    ProgramBuild b = ProgramBuild.of(gcc, p, w.variant(), LdCell.temp(work, p.name()));
                    LdCell c = LdCell.run(abi, runImage, b, w.placement(), w.mode(), UnaryOperator.identity());
                    String where = abi + " " + p.name() + " " + w.variant() + " " + w.placement() + ": ";
                    String d = c.difference(b);
                    if (d != null) {
                        problems.add(where + d);
                    }
                    c.sites().problems().forEach(x -> problems.add(where + x));
                    c.relaxation().differences().forEach(x -> problems.add(where + x));
                    c.sites().counts().keySet().forEach(k -> kinds.add(k.replaceAll(" \\d+$", "")));
                    relaxedCompared += c.relaxation().compared();
                }
            }
        }
        assertEquals(List.of(), problems);
        // Every rule of the site checks ran on something ld made.
        assertTrue(kinds.containsAll(Set.of("R_X86_64_PLT32 direct", "R_X86_64_PLT32 stub",
                "R_X86_64_REX_GOTPCRELX relaxed lea", "R_X86_64_GOTPCREL GOT entry", "R_X86_64_GOTPC64 GOT base",
                "R_X86_64_GOT64 GOT entry", "R_X86_64_GOTOFF64 offset", "R_X86_64_PLTOFF64 direct",
                "R_386_PLT32 direct", "R_386_GOTPC GOT base", "R_386_GOTOFF offset", "R_386_GOTOFF data word",
                "R_386_GOT32X relaxed immediate")), kinds::toString);
        assertTrue(relaxedCompared > 0, "ld relaxed some sites and they were compared");
    }

    private ProgramBuild build(Abi abi, String program, Variant v) {
        TestProgram p = TestProgram.all().stream().filter(x -> x.name().equals(program)).findFirst().orElseThrow();
        return ProgramBuild.of(Gcc.forAbi(abi, work), p, v, LdCell.temp(work, program));
    }

    private RunImage runImage(Abi abi) {
        return RunImage.build(Gcc.forAbi(abi, work), LdCell.temp(work, "runimage"));
    }

    /** The first site of {@code kind} in {@code image}. */
    private static GotPltSite first(Abi abi, ProgramBuild b, LinkedImage image, SiteKind kind) {
        return GotPltSite.all(abi, b.input(), image, new ArrayList<>()).stream().filter(s -> s.kind() == kind)
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " site"));
    }

    private static LinkedImage flip(LinkedImage image, long address) {
        byte old = image.bytes(address, 1).orElseThrow()[0];
        return image.withByte(address, (byte) (old ^ 0x10));
    }

    @Test
    void aWrongExpectedOutputFails() {
        ProgramBuild b = build(Abi.X86_64, "data", Variant.of("-O2", "-fPIE"));
        ProgramBuild wrong = b.expecting(new ProgramOutput(b.expected().stdout().replace("hello", "hullo"),
                b.expected().stderr(), b.expected().status()));
        LdCell c = LdCell.run(Abi.X86_64, runImage(Abi.X86_64), wrong, "near", PinnedLd.Mode.RELAX_PIE,
                UnaryOperator.identity());
        assertEquals(null, c.difference(b), "the run itself is right");
        assertTrue(c.difference(wrong).startsWith("stdout differs: expected \"hullo"), c.difference(wrong));
    }

    @Test
    void aCorruptedStringFailsTheRun() {
        ProgramBuild b = build(Abi.X86_64, "data", Variant.of("-O2", "-fPIE"));
        LdCell c = LdCell.run(Abi.X86_64, runImage(Abi.X86_64), b, "near", PinnedLd.Mode.RELAX_PIE, image -> {
            // "hello" is printed; the literal's first letter becomes 'H'.
            for (LinkedImage.Piece p : image.pieces()) {
                int at = new String(p.bytes(), StandardCharsets.ISO_8859_1).indexOf("hello\0");
                if (at >= 0) {
                    return image.withByte(p.address() + at, (byte) 'H');
                }
            }
            throw new AssertionError("no \"hello\" literal in the image");
        });
        assertTrue(String.valueOf(c.difference(b)).startsWith("stdout differs: expected \"hello"), c.difference(b));
    }

    @Test
    void aCorruptedGotEntryFailsTheSiteCheck() {
        ProgramBuild b = build(Abi.X86_64, "data", Variant.of("-O2", "-fPIC"));
        LdCell c = LdCell.run(Abi.X86_64, runImage(Abi.X86_64), b, "near", PinnedLd.Mode.NO_RELAX, image -> {
            GotPltSite s = first(Abi.X86_64, b, image, SiteKind.R_X86_64_REX_GOTPCRELX);
            long entry = s.place() + 4 + (int) image.word(s.place(), 4).getAsLong();
            return flip(image, entry);
        });
        assertTrue(c.sites().problems().stream().anyMatch(p -> p.matches(
                "data\\.o:\\(\\.text\\.startup\\+0x[0-9a-f]+\\) R_X86_64_REX_GOTPCRELX '\\w+': .*the entry at 0x[0-9a-f]+ "
                        + "holds 0x[0-9a-f]+, expected 0x[0-9a-f]+")), c.sites().problems()::toString);
    }

    @Test
    void aCorruptedCallFailsTheSiteCheck() {
        ProgramBuild b = build(Abi.X86_64, "libc_calls", Variant.of("-O2", "-fPIE"));
        LdCell c = LdCell.run(Abi.X86_64, runImage(Abi.X86_64), b, "near", PinnedLd.Mode.RELAX_PIE,
                image -> flip(image, first(Abi.X86_64, b, image, SiteKind.R_X86_64_PLT32).place()));
        assertTrue(c.sites().problems().stream().anyMatch(p -> p.matches("libc_calls\\.o:\\([.\\w]+\\+0x[0-9a-f]+\\) "
                + "R_X86_64_PLT32 '\\w+': .*reaches 0x[0-9a-f]+, (which is )?neither S .*")), c.sites().problems()::toString);
    }

    @Test
    void aCorruptedJumpTableFailsTheSiteCheck() {
        ProgramBuild b = build(Abi.I386, "fnptr_switch", Variant.of("-O2", "-fPIC"));
        LdCell c = LdCell.run(Abi.I386, runImage(Abi.I386), b, "low", PinnedLd.Mode.RELAX_NO_PIE, image -> {
            GotPltSite s = GotPltSite.all(Abi.I386, b.input(), image, new ArrayList<>()).stream()
                    .filter(x -> x.kind() == SiteKind.R_386_GOTOFF && !image.pieceAt(x.place()).orElseThrow()
                            .protection().executable()).findFirst().orElseThrow();
            // The word's top byte: the switch then jumps far outside the image and crashes at
            // once, rather than somewhere inside it where it might loop until the timeout.
            return flip(image, s.place() + 3);
        });
        assertTrue(c.sites().problems().stream().anyMatch(p -> p.contains("R_386_GOTOFF")
                && p.contains("data word GOT + value reaches")), c.sites().problems()::toString);
    }

    @Test
    void unrelaxedSitesDifferFromLdsRelaxedOnes() {
        // ld without relaxation keeps GOT loads where ld with relaxation writes lea: the
        // comparison must see every such site.
        ProgramBuild b = build(Abi.X86_64, "data", Variant.of("-O2", "-fPIC"));
        LdCell c = LdCell.run(Abi.X86_64, runImage(Abi.X86_64), b, "near", PinnedLd.Mode.NO_RELAX,
                UnaryOperator.identity());
        assertEquals(null, c.difference(b), "the unrelaxed image runs correctly");
        assertEquals(List.of(), c.sites().problems(), "and reaches S through its GOT");
        assertFalse(c.relaxation().differences().isEmpty());
        assertEquals(c.relaxation().compared(), c.relaxation().differences().size());
        assertTrue(c.relaxation().differences().get(0).matches(
                "data\\.o:\\(\\.text\\.startup\\+0x[0-9a-f]+\\) R_X86_64_REX_GOTPCRELX '\\w+' at 0x[0-9a-f]+: "
                        + "image 4[0-9a-f]8b[0-9a-f]{10}, ld 4[0-9a-f]8d[0-9a-f]{10}"), c.relaxation().differences()::toString);
    }
}
