package org.modload.loader.testing.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/**
 * A cell of the oracle with GNU ld ({@link PinnedLd}) in the engine's place, for the oracle's own
 * tests: one runimage process resolves, ld links at the region's base, runimage runs the image
 * (after {@code tamper}), and the site checks and the ld comparison look at it.
 *
 * @param image the image as run and checked
 * @param resolved runimage's answers
 * @param run how the run ended
 * @param sites the site checks
 * @param relaxation the comparison with ld's relaxing link
 */
record LdCell(LinkedImage image, Map<String, OptionalLong> resolved, RunImage.Execution run, SiteChecker.Report sites,
        LdRelaxation.Report relaxation) {

    static LdCell run(Abi abi, RunImage runImage, ProgramBuild build, String placement, PinnedLd.Mode mode,
            UnaryOperator<LinkedImage> tamper) {
        Path dir = temp(build.dir(), placement);
        try (RunImage.Session s = runImage.start(dir)) {
            Map<String, OptionalLong> resolved = s.resolve(build.input().externalNames());
            ReservedRegion region = s.regions().stream().filter(r -> r.name().equals(placement)).findFirst()
                    .orElseThrow();
            LinkedImage image = tamper.apply(PinnedLd.link(abi, build.input(), region.base(), resolved, mode,
                    temp(dir, "ld")));
            RunImage.Execution run = s.run(image, dir.resolve("image"));
            SymbolValues values = new SymbolValues(build.input(), image, resolved);
            SiteChecker.Report sites = new SiteChecker(abi, values, image, new Disassembly(abi, image, dir)).check();
            return new LdCell(image, resolved, run, sites, LdRelaxation.compare(abi, values, image, resolved, dir));
        }
    }

    /** The output's difference from the normally built program's, or the loader's error; null when equal. */
    String difference(ProgramBuild build) {
        return run.started() ? build.expected().difference(run.output()) : run.loaderError();
    }

    static Path temp(Path parent, String prefix) {
        try {
            return Files.createTempDirectory(parent, prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
