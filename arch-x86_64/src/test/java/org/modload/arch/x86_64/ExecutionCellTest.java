package org.modload.arch.x86_64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.loader.testing.exec.Abi;
import org.modload.loader.testing.exec.CellRunner;
import org.modload.loader.testing.exec.ExecMatrix;
import org.modload.loader.testing.exec.Expectation;
import org.modload.loader.testing.exec.Gcc;
import org.modload.loader.testing.exec.GotPltSite;
import org.modload.loader.testing.exec.KnownGaps;
import org.modload.loader.testing.exec.LinkedImage;
import org.modload.loader.testing.exec.Outcome;
import org.modload.loader.testing.exec.PeerExpectation;
import org.modload.loader.testing.exec.PeerJitLink;
import org.modload.loader.testing.exec.ProgramBuild;
import org.modload.loader.testing.exec.ProgramOutput;
import org.modload.loader.testing.exec.RunImage;
import org.modload.loader.testing.exec.SiteKind;
import org.modload.loader.testing.exec.TestProgram;
import org.modload.loader.testing.exec.Variant;

/**
 * The execution matrix can fail: with the engine linking, a wrong expected output, a corrupted
 * image byte and a corrupted call each fail a cell that passes; a gap that passes, a cell that
 * misses and a refusal located where the object has no such relocation each fail the matrix.
 */
class ExecutionCellTest {
    @TempDir
    Path work;

    private static TestProgram program(String name) {
        return TestProgram.all().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    private ProgramBuild build(String name, Variant v) throws Exception {
        return ProgramBuild.of(Gcc.forAbi(Abi.X86_64, work), program(name), v, Files.createTempDirectory(work, name));
    }

    private CellRunner runner() throws Exception {
        return new CellRunner(new X86_64Architecture(),
                RunImage.build(Gcc.forAbi(Abi.X86_64, work), Files.createTempDirectory(work, "runimage")));
    }

    @Test
    void aPassingCellFailsWithAWrongExpectedOutput() throws Exception {
        ProgramBuild b = build("data", Variant.of("-O2", "-fPIE"));
        CellRunner cells = runner();
        assertInstanceOf(Outcome.Passed.class, cells.run(b, "near"));
        ProgramOutput e = b.expected();
        Outcome o = cells.run(b.expecting(new ProgramOutput(e.stdout(), e.stderr(), e.status() + 1)), "near");
        assertEquals(new Outcome.Failed("exit status " + e.status() + ", expected " + (e.status() + 1)), o);
    }

    @Test
    void aCorruptedLiteralFailsTheCell() throws Exception {
        ProgramBuild b = build("data", Variant.of("-O2", "-fPIE"));
        Outcome o = runner().run(b, "near", image -> {
            for (LinkedImage.Piece p : image.pieces()) {
                int at = new String(p.bytes(), StandardCharsets.ISO_8859_1).indexOf("hello\0");
                if (at >= 0) {
                    return image.withByte(p.address() + at, (byte) 'H');
                }
            }
            throw new AssertionError("no \"hello\" literal in the image");
        });
        assertTrue(o instanceof Outcome.Failed f && f.reason().startsWith("stdout differs: expected \"hello hallo-welt"),
                o::toString);
    }

    @Test
    void aCorruptedCallFailsTheSiteCheck() throws Exception {
        ProgramBuild b = build("libc_calls", Variant.of("-O2", "-fPIE"));
        Outcome o = runner().run(b, "near", image -> {
            GotPltSite call = GotPltSite.all(Abi.X86_64, b.input(), image, new ArrayList<>()).stream()
                    .filter(s -> s.kind() == SiteKind.R_X86_64_PLT32).findFirst().orElseThrow();
            byte low = image.bytes(call.place(), 1).orElseThrow()[0];
            return image.withByte(call.place(), (byte) (low + 1));
        });
        assertTrue(o instanceof Outcome.Failed f && f.reason().matches(
                ".*site check: libc_calls\\.o:\\([.\\w]+\\+0x[0-9a-f]+\\) R_X86_64_PLT32 '\\w+': .*neither S.*"),
                o::toString);
    }

    @Test
    void theMatrixFailsOnAPassingGapAMissedCellAndAStrayGap() {
        // -fno-pic code runs far (below 2 GiB) and cannot run near (above 4 GiB): expecting it to
        // run everywhere misses the near cell; listing the far cell as a gap is a passing gap.
        Variant nopic = Variant.of("-O2", "-fno-pic");
        KnownGaps gaps = KnownGaps.builder()
                .add("listed although it passes", List.of("data"), List.of(nopic), "far")
                .add("not a cell of this matrix", List.of("data"), List.of(Variant.of("-O1")), "near")
                .build();
        ExecMatrix.Result r = ExecMatrix.run(new ExecMatrix.Spec(Abi.X86_64, new X86_64Architecture(),
                List.of(program("data")), List.of(nopic), (c, input) -> Expectation.runs(), gaps,
                (p, v) -> PeerExpectation.refuses(".*", "any")), work);
        List<String> problems = r.problems();
        assertEquals(3, problems.size(), problems::toString);
        assertEquals("data | -O2 -fno-pic | far: now meets its expectation (pass): remove it from the known-gap list",
                problems.get(0));
        assertTrue(problems.get(1).matches("data \\| -O2 -fno-pic \\| near: refused: data\\.o:\\(.*\\): relocation "
                + "R_X86_64_32S? out of range: \\d+ is not in \\[.*\\]; references '[\\w.]+'.*"), problems.get(1));
        assertEquals("data | -O1 | near: listed as a known gap but not a cell of the matrix", problems.get(2));
    }

    @Test
    void aRefusalElsewhereThanAtSuchARelocationMissesItsExpectation() throws Exception {
        ProgramBuild b = build("data", Variant.of("-O2", "-fno-pic"));
        Expectation e = ExecutionMatrix.NON_PIC_ABOVE_4GIB;
        // The .text.startup offset 0x1 holds no relocation; counter is referenced, but elsewhere.
        String message = "data.o:(.text.startup+0x1): relocation R_X86_64_32 out of range: 140000000000000 is not in "
                + "[0, 4294967295]; references 'counter'";
        assertEquals("refused at a place that has no such relocation: " + message,
                e.check(new Outcome.Refused(message), b.input()));
        assertTrue(e.check(new Outcome.Passed("sites: none"), b.input()).startsWith("expected a refusal"));
        assertTrue(e.check(new Outcome.Refused("data.o: something else"), b.input())
                .startsWith("refused, but not as expected"));
    }

    @Test
    void aPeerRunWithOtherOutputMissesItsExpectation() {
        ProgramOutput expected = new ProgramOutput("one\n", "", 0);
        assertEquals("peer: stdout differs: expected \"one\\n\", got \"two\\n\"", PeerExpectation.runs()
                .check(new PeerJitLink.Ran(new ProgramOutput("two\n", "", 0)), expected));
        assertTrue(PeerExpectation.runs().check(new PeerJitLink.Refused("JIT session error: x"), expected)
                .startsWith("peer refused"));
    }
}
