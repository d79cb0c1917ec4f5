package org.modload.loader.testing.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** runimage's protocol, its regions' promises and its one-line errors, for both ABIs. */
class RunImageTest {
    @TempDir
    Path work;

    private RunImage build(Abi abi) {
        return RunImage.build(Gcc.forAbi(abi, work), work);
    }

    @ParameterizedTest
    @EnumSource(Abi.class)
    void resolvesInItsOwnProcessAndReservesTheRegionsItPromises(Abi abi) {
        try (RunImage.Session s = build(abi).start(work)) {
            Map<String, OptionalLong> r = s.resolve(List.of("printf", "stdout", "cbrt", "modload_no_such_symbol"));
            assertTrue(r.get("printf").isPresent() && r.get("stdout").isPresent(), r::toString);
            assertTrue(r.get("cbrt").isPresent(), "libm is loaded, so its functions resolve: " + r);
            assertEquals(OptionalLong.empty(), r.get("modload_no_such_symbol"));
            List<ReservedRegion> regions = s.regions();
            assertEquals(abi.placements(), regions.stream().map(ReservedRegion::name).toList());
            long printf = r.get("printf").getAsLong();
            ReservedRegion low = regions.get(0);
            ReservedRegion near = regions.get(1);
            assertTrue(Long.compareUnsigned(low.base() + low.size(), 1L << 31) <= 0, "below 2 GiB: " + low);
            assertTrue(Math.abs(near.base() - printf) < 1L << 30 && Math.abs(near.base() + near.size() - printf) < 1L << 30,
                    "near libc: " + near + ", printf at 0x" + Long.toHexString(printf));
            if (abi == Abi.X86_64) {
                assertTrue(printf - (low.base() + low.size()) >= 1L << 32, "more than 4 GiB from libc: " + low);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Abi.class)
    void refusesAnImageOutsideItsRegionsInOneLine(Abi abi) {
        LinkedImage image = new LinkedImage(List.of(new LinkedImage.Piece(".text", 0x1000, new byte[] {(byte) 0xc3},
                LinkedImage.Protection.RX)), 0x1000, Map.of());
        RunImage.Execution e;
        try (RunImage.Session s = build(abi).start(work)) {
            e = s.run(image, work.resolve("image"));
        }
        assertFalse(e.started());
        assertEquals(RunImage.LOADER_ERROR, e.output().status());
        assertTrue(e.output().stderr().matches("runimage: image 0x1000-0x2000 lies in no reserved region \\(.*\\)\n"),
                e.output().stderr());
    }

    @ParameterizedTest
    @EnumSource(Abi.class)
    void refusesAnEntryOutsideExecutableCode(Abi abi) {
        try (RunImage.Session s = build(abi).start(work)) {
            long base = s.regions().get(0).base();
            LinkedImage image = new LinkedImage(List.of(new LinkedImage.Piece(".data", base, new byte[] {(byte) 0xc3},
                    LinkedImage.Protection.RW)), base, Map.of());
            RunImage.Execution e = s.run(image, work.resolve("image"));
            assertFalse(e.started());
            assertEquals(String.format("runimage: entry 0x%x is in no executable piece%n", base), e.output().stderr());
        }
    }

    @ParameterizedTest
    @EnumSource(Abi.class)
    void runsMainAndReportsItsResultAndOutput(Abi abi) {
        // mov $42, %eax; ret: main returns 42, printing nothing.
        byte[] code = {(byte) 0xb8, 42, 0, 0, 0, (byte) 0xc3};
        try (RunImage.Session s = build(abi).start(work)) {
            long base = s.regions().get(1).base();
            LinkedImage image = new LinkedImage(List.of(new LinkedImage.Piece(".text", base + 0x10, code,
                    LinkedImage.Protection.RX)), base + 0x10, Map.of());
            RunImage.Execution e = s.run(image, work.resolve("image"));
            assertTrue(e.started(), e::loaderError);
            assertEquals(new ProgramOutput("", "", 42), e.output());
        }
    }
}
