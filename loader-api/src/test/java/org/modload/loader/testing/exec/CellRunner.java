package org.modload.loader.testing.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

import org.modload.loader.spi.Architecture;

/**
 * Runs one cell on the engine side: a fresh runimage process resolves the externals and reports
 * its regions; the engine links at the placement's base; runimage maps and runs the image; the
 * output is compared with the normally built program's; then the GOT/PLT sites are followed
 * ({@link SiteChecker}) and the relaxed ones compared with GNU ld ({@link LdRelaxation}).
 */
public final class CellRunner {
    /** The near region's promise: every external within this distance of every byte of the image. */
    private static final long NEAR_REACH = (1L << 31) - (1L << 28);
    /** The far region's promise on x86_64: nothing external within 32 bits. */
    private static final long FAR_DISTANCE = 1L << 32;

    private final Abi abi;
    private final Architecture arch;
    private final RunImage runImage;

    public CellRunner(Architecture arch, RunImage runImage) {
        this.abi = runImage.abi();
        this.arch = arch;
        this.runImage = runImage;
    }

    /** Runs the cell of {@code build} at {@code placement}. */
    public Outcome run(ProgramBuild build, String placement) {
        return run(build, placement, UnaryOperator.identity());
    }

    /**
     * Runs the cell with {@code tamper} applied to the engine's image before it is handed over and
     * checked: for showing that a corrupted image fails the cell.
     */
    public Outcome run(ProgramBuild build, String placement, UnaryOperator<LinkedImage> tamper) {
        Path dir = directory(build.dir(), placement);
        try (RunImage.Session session = runImage.start(dir)) {
            Map<String, OptionalLong> resolved = session.resolve(build.input().externalNames());
            ReservedRegion region = session.regions().stream().filter(r -> r.name().equals(placement)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("runimage reserves no region " + placement));
            String environment = checkPlacement(region, resolved);
            if (environment != null) {
                return new Outcome.Failed("environment: " + environment);
            }
            EngineLink.Result linked = EngineLink.link(arch, build.input(), region.base(), resolved);
            if (linked instanceof EngineLink.Refused r) {
                return new Outcome.Refused(r.message());
            }
            LinkedImage image = tamper.apply(((EngineLink.Linked) linked).image());
            List<String> failures = new ArrayList<>();
            LinkedImage.Piece last = image.pieces().get(image.pieces().size() - 1);
            if (!region.holds(image.pieces().get(0).address(), last.address() + last.size())) {
                return new Outcome.Failed("the image does not fit in the region " + region);
            }
            RunImage.Execution run = session.run(image, dir.resolve("image"));
            if (!run.started()) {
                failures.add(run.loaderError());
            } else {
                String d = build.expected().difference(run.output());
                if (d != null) {
                    failures.add(d);
                }
            }
            SymbolValues values = new SymbolValues(build.input(), image, resolved);
            SiteChecker.Report sites = new SiteChecker(abi, values, image, new Disassembly(abi, image, dir)).check();
            sites.problems().forEach(p -> failures.add("site check: " + p));
            LdRelaxation.Report ld = LdRelaxation.compare(abi, values, image, resolved, dir);
            ld.differences().forEach(p -> failures.add("ld relaxation: " + p));
            if (!failures.isEmpty()) {
                return new Outcome.Failed(String.join("; ", failures));
            }
            String detail = "sites: " + (sites.sites() == 0 ? "none" : sites.summary());
            if (ld.compared() + ld.keptByLd() > 0 || !ld.notes().isEmpty()) {
                detail += "; ld relaxed " + ld.compared() + " (equal), kept " + ld.keptByLd()
                        + (ld.notes().isEmpty() ? "" : "; " + String.join("; ", ld.notes()));
            }
            return new Outcome.Passed(detail);
        }
    }

    /**
     * Whether the region keeps the placement's promise for the externals this process resolved:
     * near within reach of a 32-bit displacement, far (x86_64) out of it.
     */
    private String checkPlacement(ReservedRegion region, Map<String, OptionalLong> resolved) {
        for (Map.Entry<String, OptionalLong> e : resolved.entrySet()) {
            if (e.getValue().isEmpty() || abi != Abi.X86_64) {
                continue;
            }
            long a = e.getValue().getAsLong();
            long d = Math.max(Math.abs(a - region.base()), Math.abs(a - (region.base() + region.size())));
            long nearest = Math.min(Math.abs(a - region.base()), Math.abs(a - (region.base() + region.size())));
            if (region.name().equals("near") && d > NEAR_REACH) {
                return String.format("'%s' at 0x%x is out of 32-bit reach of the near region %s", e.getKey(), a, region);
            }
            if (region.name().equals("far") && nearest < FAR_DISTANCE) {
                return String.format("'%s' at 0x%x is within 4 GiB of the far region %s", e.getKey(), a, region);
            }
        }
        return null;
    }

    private static Path directory(Path parent, String placement) {
        try {
            return Files.createTempDirectory(parent, placement + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
