package org.modload.loader.testing.kit;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

import org.modload.loader.diag.LoaderException;
import org.modload.loader.diag.Location;
import org.modload.loader.diag.RelocationException;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.reloc.Field;
import org.modload.loader.reloc.Overflow;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.spi.Profile;

/**
 * {@link KitCheck#VECTORS}: each vector linked by the real engine, and the vectors' coverage:
 * every type a profile applies has a pass vector and, when it writes a field, a fail vector; a
 * range-checked data word's fail vectors include one that is out of range just past an edge
 * of the range the vector states (at most 16, the largest field unit, beyond it); every
 * OUT_OF_RANGE vector states its value and range, the value outside the range.
 */
final class VectorCheck {
    /** How far past an edge a boundary vector may lie: one unit of the field (ia64 branches count 16-byte bundles). */
    static final long EDGE_UNIT = 16;

    private VectorCheck() {
    }

    static List<Probe> probes(KitContext ctx) {
        List<Probe> out = new ArrayList<>();
        out.add(new Probe(KitCheck.VECTORS, "every applied type has its vectors", () -> coverage(ctx)));
        for (Vector v : ctx.spec().vectors()) {
            out.add(new Probe(KitCheck.VECTORS, v.title(), () -> run(ctx, v)));
        }
        return out;
    }

    private static String coverage(KitContext ctx) {
        List<Vector> vectors = ctx.spec().vectors();
        if (vectors.isEmpty()) {
            throw new AssertionError("checked nothing: the spec has no vectors (every type a profile applies needs a"
                    + " pass vector and a boundary-fail vector)");
        }
        List<String> missing = new ArrayList<>();
        int types = 0;
        for (RelocationType r : ctx.rows().byNumber().values()) {
            Set<Profile> applied = EnumSet.noneOf(Profile.class);
            for (Profile p : Profile.values()) {
                try {
                    if (ctx.plugin().applies(r, p)) {
                        applied.add(p);
                    }
                } catch (RuntimeException e) {
                    // the contract check reports it
                }
            }
            if (applied.isEmpty()) {
                continue;
            }
            types++;
            List<Vector> mine = vectors.stream().filter(v -> v.type().equals(r.name()) && applied.contains(v.profile()))
                    .toList();
            String where = r.name() + " (applied in " + applied + "): ";
            if (mine.stream().noneMatch(Vector::passes)) {
                missing.add(where + "no pass vector");
            }
            if (r.field() != Field.NONE && mine.stream().allMatch(Vector::passes)) {
                missing.add(where + "no boundary-fail vector");
            }
            if (r.overflow() != Overflow.NONE && r.field() != Field.NONE && mine.stream()
                    .noneMatch(v -> v.expected() instanceof Vector.Refuses x && x.reason()
                            == RelocationException.Reason.OUT_OF_RANGE && x.value().isPresent() && x.min().isPresent()
                            && x.max().isPresent() && justPast(x.value().getAsLong(), x.min().getAsLong(),
                                    x.max().getAsLong()))) {
                missing.add(where + "range-checked (" + r.overflow() + " " + r.field() + "), but no OUT_OF_RANGE"
                        + " vector just past an edge");
            }
        }
        for (Vector v : vectors) {
            if (ctx.rows().number(v.type()).isEmpty()) {
                missing.add(v.source() + ": names " + v.type() + ", which the plugin does not declare");
            }
            if (v.expected() instanceof Vector.Refuses x && x.reason() == RelocationException.Reason.OUT_OF_RANGE) {
                if (x.value().isEmpty() || x.min().isEmpty() || x.max().isEmpty()) {
                    missing.add(v.source() + ": an OUT_OF_RANGE vector states value= and range=");
                } else if (x.value().getAsLong() >= x.min().getAsLong() && x.value().getAsLong() <= x.max().getAsLong()) {
                    missing.add(v.source() + ": value " + x.value().getAsLong() + " lies inside its range ["
                            + x.min().getAsLong() + ", " + x.max().getAsLong() + "]");
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new AssertionError(missing.size() + " gaps in the vectors:\n" + String.join("\n", missing));
        }
        return types + " applied types covered by " + vectors.size() + " vectors";
    }

    /** Whether {@code value} lies outside {@code [min, max]} by at most {@link #EDGE_UNIT}. */
    static boolean justPast(long value, long min, long max) {
        return (value < min && min - value <= EDGE_UNIT) || (value > max && value - max <= EDGE_UNIT);
    }

    private static String run(KitContext ctx, Vector v) {
        Optional<Integer> number = ctx.rows().number(v.type());
        if (number.isEmpty()) {
            throw new AssertionError(v.title() + ": the plugin declares no " + v.type());
        }
        SiteObject o = SiteObject.of(ctx, v, number.get());
        LoadedImage image;
        try {
            image = new LinkEngine(ctx.plugin()).link(List.of(o.object()), v.profile(), o.policy(), o.resolver());
        } catch (RelocationException e) {
            if (v.expected() instanceof Vector.Refuses x) {
                return refused(v, x, e);
            }
            throw new AssertionError(v.title() + ": refused: " + e.getMessage(), e);
        } catch (LoaderException e) {
            throw new AssertionError(v.title() + ": refused by " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    e);
        }
        ByteBuffer section = image.sectionBytes(1).orElseThrow();
        if (v.expected() instanceof Vector.Refuses x) {
            throw new AssertionError(v.title() + ": must be refused (" + x.reason() + "), but the engine wrote "
                    + hex(section));
        }
        Vector.Writes w = (Vector.Writes) v.expected();
        List<String> problems = new ArrayList<>();
        compare(v.site().section(), w.section(), section, problems);
        for (Map.Entry<String, ByteBuffer> t : w.tables().entrySet()) {
            Optional<ByteBuffer> table = image.tableBytes(t.getKey());
            if (table.isEmpty()) {
                problems.add(t.getKey() + ": the link has no such table");
            } else {
                compare(t.getKey(), t.getValue(), table.get(), problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(v.title() + ": " + String.join("; ", problems));
        }
        return v.site().section() + " = " + hex(section) + (w.tables().isEmpty() ? "" : " and " + w.tables().keySet());
    }

    private static String refused(Vector v, Vector.Refuses x, RelocationException e) {
        List<String> problems = new ArrayList<>();
        Location at = new Location(SiteObject.FILE, OptionalInt.of(1), v.site().section(),
                OptionalLong.of(v.site().offset()));
        if (e.reason() != x.reason()) {
            problems.add("reason " + e.reason() + ", not " + x.reason());
        }
        if (!e.type().equals(v.type())) {
            problems.add("type " + e.type() + ", not " + v.type());
        }
        if (!e.symbol().equals(v.site().symbol().name())) {
            problems.add("symbol '" + e.symbol() + "', not '" + v.site().symbol().name() + "'");
        }
        if (!e.location().equals(at)) {
            problems.add("located at " + e.location().placeForm() + ", not " + at.placeForm());
        }
        check("value", x.value(), e.value(), problems);
        check("min", x.min(), e.min(), problems);
        check("max", x.max(), e.max(), problems);
        if (!problems.isEmpty()) {
            throw new AssertionError(v.title() + ": refused, but " + String.join(", ", problems) + ": " + e.getMessage(),
                    e);
        }
        return e.getMessage();
    }

    private static void check(String what, OptionalLong expected, OptionalLong actual, List<String> problems) {
        if (expected.isPresent() && !expected.equals(actual)) {
            problems.add(what + " " + (actual.isPresent() ? Long.toString(actual.getAsLong()) : "absent") + ", not "
                    + expected.getAsLong());
        }
    }

    private static void compare(String what, ByteBuffer expected, ByteBuffer actual, List<String> problems) {
        if (expected.capacity() != actual.capacity()) {
            problems.add(what + ": " + actual.capacity() + " bytes, not " + expected.capacity());
            return;
        }
        for (int i = 0; i < expected.capacity(); i++) {
            if (expected.get(i) != actual.get(i)) {
                problems.add(what + ": expected " + hex(expected) + ", the engine wrote " + hex(actual)
                        + " (first difference at +0x" + Integer.toHexString(i) + ")");
                return;
            }
        }
    }

    static String hex(ByteBuffer b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.capacity(); i++) {
            sb.append(String.format("%02x", b.get(i) & 0xff));
        }
        return sb.toString();
    }
}
