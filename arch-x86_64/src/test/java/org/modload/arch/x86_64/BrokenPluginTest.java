package org.modload.arch.x86_64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.loader.spi.Applied;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.RelocationSite;
import org.modload.loader.testing.exec.Abi;
import org.modload.loader.testing.exec.TestProgram;
import org.modload.loader.testing.exec.Variant;
import org.modload.loader.testing.kit.ConformanceKit;
import org.modload.loader.testing.kit.Execution;
import org.modload.loader.testing.kit.ForwardingArchitecture;
import org.modload.loader.testing.kit.KitCheck;
import org.modload.loader.testing.kit.KitReport;
import org.modload.loader.testing.kit.Outcome;

/**
 * The kit catches a formula broken in the real plugin, not only the corpus run: R_X86_64_PC32
 * one too high (every other type as the plugin writes it) fails its vectors, the GNU ld
 * differential on x86_64-kernel-types.o and, in a small execution matrix, every program that runs.
 */
class BrokenPluginTest {
    @TempDir
    Path work;

    /** X86_64Architecture with PC32's value off by one. */
    private static final class Pc32OffByOne extends ForwardingArchitecture {
        Pc32OffByOne() {
            super(new X86_64Architecture());
        }

        @Override
        public void write(RelocationSite site, Applied a, Profile profile) {
            boolean pc32 = a.row().name().equals("R_X86_64_PC32");
            inner.write(site, pc32 ? new Applied(a.row(), a.need(), a.operands(), a.value() + 1) : a, profile);
        }
    }

    @Test
    void pc32OffByOneIsCaughtByTheKit() {
        Execution small = Execution.everyCellRuns(Abi.X86_64, TestProgram.all().stream()
                .filter(p -> p.name().equals("libc_calls")).toList(), List.of(Variant.of("-O2", "-fPIE")));
        // The variant stands in for the installed plugin, which would otherwise claim EM_X86_64 beside it.
        KitReport r = ConformanceKit.run(X86_64Kit.spec(new Pc32OffByOne(), work).installed(List.of())
                .execution(small).build());
        r.failures().forEach(f -> System.out.println(f.line()));
        Set<KitCheck> failed = r.failures().stream().map(KitReport.Result::check)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(KitCheck.class)));
        assertEquals(EnumSet.of(KitCheck.VECTORS, KitCheck.DIFFERENTIAL, KitCheck.EXECUTION), failed, r::summary);
        assertEquals("vectors.txt:19 pass R_X86_64_PC32 KERNEL: .text: expected 488d3d390000c2, the engine wrote"
                + " 488d3d3a0000c2 (first difference at +0x3)", message(r, KitCheck.VECTORS,
                        "vectors.txt:19 pass R_X86_64_PC32 KERNEL"));
        // Every vector whose value is PC32's: the edges move by one, and the relaxed GOT loads
        // (lea, addr32 call, jmp) that are applied as PC32.
        assertEquals(List.of("vectors.txt:19 pass R_X86_64_PC32 KERNEL", "vectors.txt:20 pass R_X86_64_PC32 KERNEL",
                "vectors.txt:21 fail R_X86_64_PC32 KERNEL", "vectors.txt:22 fail R_X86_64_PC32 KERNEL",
                "vectors.txt:24 fail R_X86_64_PC32 PERMISSIVE", "vectors.txt:56 pass R_X86_64_GOTPCREL PERMISSIVE",
                "vectors.txt:97 pass R_X86_64_GOTPCRELX PERMISSIVE", "vectors.txt:98 pass R_X86_64_GOTPCRELX PERMISSIVE"),
                r.failures(KitCheck.VECTORS).stream().map(KitReport.Result::probe).toList());
        String ld = message(r, KitCheck.DIFFERENTIAL, "x86_64-kernel-types.o (KERNEL)");
        assertTrue(ld.startsWith("x86_64-kernel-types.o: "), ld);
        assertTrue(ld.contains(" differences from GNU ld:\n.text (section 1)+0x"), ld);
        String exec = message(r, KitCheck.EXECUTION, "X86_64: 1 programs x 1 variants x 2 placements");
        assertTrue(exec.startsWith("2 cells not as specified (cells: pass 0,"), exec);
    }

    private static String message(KitReport r, KitCheck check, String probe) {
        return r.failures(check).stream().filter(f -> f.probe().equals(probe)).map(f -> ((Outcome.Failed) f.outcome())
                .message()).findFirst().orElseThrow(() -> new AssertionError("no failure " + probe + ":\n" + r.summary()));
    }
}
