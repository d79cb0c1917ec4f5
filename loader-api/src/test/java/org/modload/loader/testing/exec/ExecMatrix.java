package org.modload.loader.testing.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

import org.modload.loader.spi.Architecture;

/**
 * The execution matrix of one ABI (issue 9, Must show 1 and 2): every program × variant is
 * compiled once, run normally for the expected output and by the peer, and linked by the engine at
 * every placement; each cell is held against its {@link Expectation}. Cells the engine cannot do
 * yet are a strict known-gap list: such a cell must still miss its expectation, so a cell that
 * starts to work fails the run until it is taken off the list.
 */
public final class ExecMatrix {
    /** Units run in parallel: one per core, at most two (the build machines have two, shared). */
    private static final int THREADS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));

    private ExecMatrix() {
    }

    /**
     * What to run and what each cell must show.
     *
     * @param abi the ABI
     * @param arch the engine's plugin for it
     * @param programs the programs
     * @param variants the variants
     * @param expectation each cell's expectation, from the cell and the objects gcc built for it
     *     (what they reference decides, e.g., whether non-PIC code reaches libc's data)
     * @param knownGaps the cells that miss their expectation today (issue 9), exactly
     * @param peer the peer's expectation per program and variant
     */
    public record Spec(Abi abi, Architecture arch, List<TestProgram> programs, List<Variant> variants,
            BiFunction<CellId, ObjectFiles, Expectation> expectation, KnownGaps knownGaps,
            BiFunction<TestProgram, Variant, PeerExpectation> peer) {
        public Spec {
            programs = List.copyOf(programs);
            variants = List.copyOf(variants);
        }
    }

    /** One engine cell's result. */
    public record Cell(CellId id, Expectation expected, Outcome outcome, String miss, boolean knownGap) {
        /** Whether the cell is as the spec says: meets its expectation, or is a known gap that still misses it. */
        public boolean asSpecified() {
            return knownGap ? miss != null : miss == null;
        }

        /** The table's word for it. */
        public String verdict() {
            if (knownGap) {
                return miss != null ? "gap" : "GAP PASSES";
            }
            if (miss != null) {
                return "FAIL";
            }
            return expected instanceof Expectation.Refusal ? "refused (expected)" : "pass";
        }
    }

    /** One program × variant: its cells by placement and the peer. */
    public record Row(ProgramBuild build, Map<String, Cell> cells, PeerJitLink.Outcome peer, PeerExpectation peerExpected,
            String peerMiss) {
        public Row {
            cells = Collections.unmodifiableMap(new LinkedHashMap<>(cells));
        }

        /** The table's word for the peer. */
        public String peerVerdict() {
            return peerMiss == null ? peerExpected.label() : "FAIL";
        }
    }

    /** Runs the whole matrix in {@code work}. */
    public static Result run(Spec spec, Path work) {
        long start = System.nanoTime();
        Gcc gcc = Gcc.forAbi(spec.abi(), work);
        PeerJitLink peer = PeerJitLink.require();
        RunImage runImage = RunImage.build(gcc, work);
        CellRunner cells = new CellRunner(spec.arch(), runImage);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Row>> futures = new ArrayList<>();
            int unit = 0;
            for (TestProgram p : spec.programs()) {
                for (Variant v : spec.variants()) {
                    Path dir = work.resolve(p.name() + "-" + unit++);
                    futures.add(pool.submit(() -> row(spec, gcc, peer, cells, p, v, dir)));
                }
            }
            List<Row> rows = new ArrayList<>();
            for (Future<Row> f : futures) {
                rows.add(f.get());
            }
            return new Result(spec, rows, Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Row row(Spec spec, Gcc gcc, PeerJitLink peer, CellRunner runner, TestProgram p, Variant v, Path dir)
            throws java.io.IOException {
        Files.createDirectories(dir);
        ProgramBuild build = ProgramBuild.of(gcc, p, v, dir);
        Map<String, Cell> cells = new LinkedHashMap<>();
        for (String placement : spec.abi().placements()) {
            CellId id = build.cell(placement);
            Expectation expected = spec.expectation().apply(id, build.input());
            Outcome outcome = runner.run(build, placement);
            cells.put(placement, new Cell(id, expected, outcome, expected.check(outcome, build.input()),
                    spec.knownGaps().contains(id)));
        }
        PeerJitLink.Outcome po = peer.run(build.input().paths(), dir);
        PeerExpectation pe = spec.peer().apply(p, v);
        return new Row(build, cells, po, pe, pe.check(po, build.expected()));
    }

    /** The matrix's results, its table and what is not as specified. */
    public record Result(Spec spec, List<Row> rows, Duration elapsed) {
        public Result {
            rows = List.copyOf(rows);
        }

        /** Every cell, in table order. */
        public List<Cell> cells() {
            return rows.stream().flatMap(r -> r.cells().values().stream()).toList();
        }

        /** One line per cell or peer run that is not as the spec says; empty when the matrix holds. */
        public List<String> problems() {
            List<String> out = new ArrayList<>();
            for (Row r : rows) {
                for (Cell c : r.cells().values()) {
                    if (!c.asSpecified()) {
                        out.add(c.knownGap()
                                ? c.id() + ": now meets its expectation (" + c.expected().label()
                                        + "): remove it from the known-gap list"
                                : c.id() + ": " + c.miss());
                    }
                }
                if (r.peerMiss() != null) {
                    out.add(r.build().program().name() + " | " + r.build().variant().name() + " | llvm-jitlink: "
                            + r.peerMiss());
                }
            }
            Set<CellId> all = new TreeSet<>(Comparator.comparing(CellId::toString));
            cells().forEach(c -> all.add(c.id()));
            for (CellId gap : spec.knownGaps().cells()) {
                if (!all.contains(gap)) {
                    out.add(gap + ": listed as a known gap but not a cell of the matrix");
                }
            }
            return out;
        }

        /** The table: one row per program and variant, a column per placement and the peer, then notes. */
        public String table() {
            List<String> placements = spec.abi().placements();
            int w0 = 13;
            int w1 = rows.stream().mapToInt(r -> r.build().variant().name().length()).max().orElse(8) + 2;
            int wc = 20;
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("Execution matrix, %s: %d programs x %d variants x %d placements, %s%n",
                    spec.abi(), spec.programs().size(), spec.variants().size(), placements.size(), time()));
            sb.append(pad("program", w0)).append(pad("variant", w1));
            placements.forEach(p -> sb.append(pad(p, wc)));
            sb.append("llvm-jitlink-14\n");
            for (Row r : rows) {
                sb.append(pad(r.build().program().name(), w0)).append(pad(r.build().variant().name(), w1));
                for (String p : placements) {
                    sb.append(pad(r.cells().get(p).verdict(), wc));
                }
                sb.append(r.peerVerdict()).append('\n');
            }
            sb.append(counts()).append('\n');
            sb.append("\nNotes (refusals, gaps, failures; site checks of passing cells):\n");
            for (Row r : rows) {
                for (Cell c : r.cells().values()) {
                    String gap = c.knownGap() ? " [known gap: " + spec.knownGaps().why(c.id()).orElseThrow() + "]" : "";
                    sb.append("  ").append(c.id()).append(": ").append(c.verdict()).append(" - ").append(note(c))
                            .append(gap).append('\n');
                }
                if (r.peerMiss() != null || r.peerExpected().why() != null) {
                    sb.append("  ").append(r.build().program().name()).append(" | ").append(r.build().variant().name())
                            .append(" | llvm-jitlink: ").append(r.peerVerdict()).append(" - ")
                            .append(r.peerMiss() != null ? r.peerMiss() : r.peerExpected().why() + ": "
                                    + ((PeerJitLink.Refused) r.peer()).message())
                            .append('\n');
                }
            }
            return sb.toString();
        }

        private String time() {
            return String.format("%.1f s", elapsed.toMillis() / 1000.0);
        }

        /** {@code pass 40, refused (expected) 9, gap 12, FAIL 0; peer pass 30, refuses 18, FAIL 0}. */
        public String counts() {
            Map<String, Integer> n = new LinkedHashMap<>();
            for (String k : List.of("pass", "refused (expected)", "gap", "GAP PASSES", "FAIL")) {
                n.put(k, 0);
            }
            cells().forEach(c -> n.merge(c.verdict(), 1, Integer::sum));
            Map<String, Integer> peer = new LinkedHashMap<>();
            rows.forEach(r -> peer.merge(r.peerVerdict(), 1, Integer::sum));
            return "cells: " + n.toString().replaceAll("[{}]", "").replace("=", " ") + "; peer: "
                    + peer.toString().replaceAll("[{}]", "").replace("=", " ");
        }

        private static String note(Cell c) {
            String s;
            if (c.outcome() instanceof Outcome.Passed p) {
                s = p.detail();
            } else if (c.outcome() instanceof Outcome.Refused r) {
                s = "refused: " + r.message() + (c.expected() instanceof Expectation.Refusal x ? " [" + x.why() + "]" : "");
            } else {
                s = ((Outcome.Failed) c.outcome()).reason();
            }
            if (c.miss() != null && !(c.outcome() instanceof Outcome.Failed) && !(c.outcome() instanceof Outcome.Refused)) {
                s = c.miss() + " (" + s + ")";
            }
            return s.length() > 600 ? s.substring(0, 600) + "..." : s;
        }

        private static String pad(String s, int w) {
            return s.length() >= w ? s + " " : s + " ".repeat(w - s.length());
        }
    }
}
