package org.modload.loader.testing.kit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.modload.loader.diag.LoaderException;
import org.modload.loader.diag.Location;
import org.modload.loader.diag.RelocationException;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.spi.Profile;

/**
 * {@link KitCheck#REFUSALS}: a number the plugin does not declare, and a declared type a profile
 * does not apply, are refused by the real engine as the core refuses them, the same way on every
 * link: a {@link RelocationException} with reason UNSUPPORTED_TYPE, the type's name (or
 * {@code unknown(N)}), the symbol, the site's location and the core's message
 * ({@code kit.o:(.data+0x0): unsupported relocation type unknown(99); references 'kit_sym'},
 * with the plugin's {@code whyNot} after a colon for declared types).
 */
final class RefusalCheck {
    private RefusalCheck() {
    }

    static List<Probe> probes(KitContext ctx) {
        List<Probe> out = new ArrayList<>();
        for (Profile p : Profile.values()) {
            out.add(new Probe(KitCheck.REFUSALS, "numbers without a row are refused as unknown (" + p + ")",
                    () -> unknown(ctx, p)));
            out.add(new Probe(KitCheck.REFUSALS, "declared types " + p + " does not apply are refused (" + p + ")",
                    () -> unapplied(ctx, p)));
        }
        return out;
    }

    /** Every gap up to the highest row, the next number, and the highest number r_info can carry. */
    static List<Integer> unknownNumbers(KitContext ctx) {
        Rows rows = ctx.rows();
        List<Integer> out = new ArrayList<>();
        int max = rows.max();
        for (int n = 0; n <= max + 1; n++) {
            if (!rows.byNumber().containsKey(n)) {
                out.add(n);
            }
        }
        int limit = Rows.limit(ctx.plugin());
        if (!rows.byNumber().containsKey(limit) && !out.contains(limit)) {
            out.add(limit);
        }
        return out;
    }

    private static String unknown(KitContext ctx, Profile p) {
        List<String> problems = new ArrayList<>();
        List<Integer> numbers = unknownNumbers(ctx);
        for (int n : numbers) {
            expectRefusal(ctx, p, n, "unknown(" + n + ")", "", problems);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " of " + numbers.size() + " numbers:\n"
                    + String.join("\n", problems));
        }
        return numbers.size() + " numbers, each linked twice";
    }

    private static String unapplied(KitContext ctx, Profile p) {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (var e : ctx.rows().byNumber().entrySet()) {
            RelocationType r = e.getValue();
            boolean applies;
            try {
                applies = ctx.plugin().applies(r, p);
            } catch (RuntimeException x) {
                continue; // the contract check reports it
            }
            if (applies) {
                continue;
            }
            checked++;
            expectRefusal(ctx, p, e.getKey(), r.name(), ctx.plugin().whyNot(r, p), problems);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " of " + checked + " types:\n" + String.join("\n", problems));
        }
        if (checked == 0) {
            return "none: " + p + " applies every declared type";
        }
        return checked + " types, each linked twice";
    }

    private static void expectRefusal(KitContext ctx, Profile p, int number, String name, String why,
            List<String> problems) {
        String first = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            SiteObject o;
            try {
                o = SiteObject.refusal(ctx, number);
            } catch (RuntimeException e) {
                problems.add(name + ": the kit cannot write its object: " + e);
                return;
            }
            String got = refusal(ctx, p, o, name, why);
            if (got.startsWith("!")) {
                problems.add(name + ": " + got.substring(1));
                return;
            }
            if (first == null) {
                first = got;
            } else if (!first.equals(got)) {
                problems.add(name + ": refused as '" + first + "', then as '" + got + "'");
            }
        }
    }

    /** The refusal's message, or {@code !why not} when it is not the core's refusal. */
    private static String refusal(KitContext ctx, Profile p, SiteObject o, String name, String why) {
        Location at = new Location(SiteObject.FILE, OptionalInt.of(1), ".data", OptionalLong.of(0));
        String message = at.placeForm() + ": unsupported relocation type " + name + (why.isEmpty() ? "" : ": " + why)
                + "; references '" + SiteObject.REFUSAL_SYMBOL + "'";
        try {
            new LinkEngine(ctx.plugin()).link(List.of(o.object()), p, o.policy(), o.resolver());
        } catch (RelocationException e) {
            if (e.reason() != RelocationException.Reason.UNSUPPORTED_TYPE || !e.type().equals(name)
                    || !e.symbol().equals(SiteObject.REFUSAL_SYMBOL) || !e.location().equals(at)
                    || !Objects.equals(e.getMessage(), message)) {
                return "!refused as " + e.reason() + " '" + e.getMessage() + "', not as '" + message + "'";
            }
            return e.getMessage();
        } catch (LoaderException e) {
            return "!refused by " + e.getClass().getSimpleName() + " '" + e.getMessage() + "', not as '" + message + "'";
        } catch (RuntimeException e) {
            return "!the link threw " + e + ", not the refusal '" + message + "'";
        }
        return "!linked in " + p + ", but must be refused as '" + message + "'";
    }
}
