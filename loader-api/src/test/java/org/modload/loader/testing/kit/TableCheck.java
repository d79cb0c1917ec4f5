package org.modload.loader.testing.kit;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadPlan;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.ResolvedSymbols;
import org.modload.loader.link.TablePlan;
import org.modload.loader.link.TableRequest;
import org.modload.loader.spi.EntryKind;
import org.modload.loader.spi.Profile;

/**
 * {@link KitCheck#TABLES}: on every fixture of a profile in which the plugin builds tables, the
 * core's table service counts before layout, refines to a fixed point, fills each entry once and
 * finds allocated == used (the engine's own check, which fails the link otherwise); the count
 * before layout is an upper bound of the final one; the link symbols are defined; the same
 * tables come out when imported symbols are resolved after planning (the kernel's order) and
 * when the link is repeated. At least one fixture must need an entry.
 */
final class TableCheck {
    private TableCheck() {
    }

    static List<Probe> probes(KitContext ctx) {
        boolean anyKinds = false;
        for (Profile p : Profile.values()) {
            anyKinds |= !ctx.plugin().entryKinds(p).isEmpty();
        }
        if (!anyKinds) {
            return List.of(Probe.skipped(KitCheck.TABLES, "tables", "the plugin builds no tables in any profile"));
        }
        List<Probe> out = new ArrayList<>();
        List<KitFixture> withTables = ctx.spec().fixtures().stream()
                .filter(f -> !ctx.plugin().entryKinds(f.profile()).isEmpty()).toList();
        for (KitFixture f : withTables) {
            out.add(new Probe(KitCheck.TABLES, f.name() + " (" + f.profile() + ")", () -> fixture(ctx, f)));
        }
        out.add(new Probe(KitCheck.TABLES, "some fixture needs a table entry", () -> {
            long entries = 0;
            for (KitFixture f : withTables) {
                try {
                    entries += count(ctx, f);
                } catch (RuntimeException e) {
                    // the fixture's own probe reports it
                }
            }
            if (entries == 0) {
                throw new AssertionError("checked nothing: the plugin builds tables, but no fixture of a profile with"
                        + " entry kinds needs an entry (add a fixture whose relocations need GOT/PLT/descriptor entries)");
            }
            return entries + " entries in " + withTables.size() + " fixtures";
        }));
        return out;
    }

    private static LayoutPolicy policy(KitContext ctx, KitFixture f) {
        return f.policy().orElseGet(() -> new LayoutPolicy.Linux(ctx.plugin().moduleAreaBase()));
    }

    private static long count(KitContext ctx, KitFixture f) {
        ElfFile obj = f.parse();
        LoadPlan plan = new LinkEngine(ctx.plugin()).plan(obj, f.profile(), policy(ctx, f));
        Map<String, Integer> sizes = entrySizes(ctx, f.profile());
        return plan.tables().tables().stream().mapToLong(t -> t.size() / sizes.get(t.name())).sum();
    }

    private static Map<String, Integer> entrySizes(KitContext ctx, Profile p) {
        Map<String, Integer> m = new HashMap<>();
        for (EntryKind k : ctx.plugin().entryKinds(p)) {
            m.put(k.table(), k.size());
        }
        return m;
    }

    private static String fixture(KitContext ctx, KitFixture f) {
        Profile p = f.profile();
        LinkEngine engine = new LinkEngine(ctx.plugin());
        ElfFile obj = f.parse();
        LayoutPolicy policy = policy(ctx, f);
        TablePlan before = engine.tablesBeforeLayout(List.of(obj), p);
        LoadedImage image = link(() -> engine.link(List.of(obj), p, policy, f.resolver()), "link");
        LoadPlan plan = image.plan();
        List<String> problems = new ArrayList<>();
        if (!plan.exactTables()) {
            problems.add("the table rule reached no fixed point after trial layouts: the tables keep the count made"
                    + " before layout, and allocated == used cannot be checked");
        }
        Map<String, Integer> sizes = entrySizes(ctx, p);
        Map<String, Long> upper = new HashMap<>();
        before.tables().forEach(t -> upper.put(t.name(), t.size()));
        StringBuilder detail = new StringBuilder();
        for (TableRequest t : plan.tables().tables()) {
            int size = sizes.get(t.name());
            long n = t.size() / size;
            if (t.size() % size != 0) {
                problems.add(t.name() + ": " + t.size() + " bytes is not a whole number of " + size + "-byte entries");
            }
            long bound = upper.getOrDefault(t.name(), 0L);
            if (t.size() > bound) {
                problems.add(t.name() + ": " + n + " entries after layout, but " + bound / size + " counted before it;"
                        + " before layout the rule must answer an upper bound (Reach.UNKNOWN)");
            }
            detail.append(detail.length() == 0 ? "" : ", ").append(t.name()).append(' ').append(n);
        }
        for (String name : ctx.plugin().linkSymbolNames(p)) {
            if (!image.archSymbols().containsKey(name)) {
                problems.add("linkSymbolNames(" + p + ") names " + name + ", which linkSymbols does not define");
            }
        }
        LoadPlan late = engine.plan(obj, p, policy);
        ResolvedSymbols symbols = engine.resolve(late, f.resolver());
        LoadedImage kernelOrder = link(() -> engine.relocate(late, symbols), "plan, resolve, relocate");
        LoadedImage again = link(() -> engine.link(List.of(obj), p, policy, f.resolver()), "second link");
        same("the same link repeated", image, again, problems);
        if (tables(kernelOrder).equals(tables(image)) && plan.placed().equals(kernelOrder.plan().placed())) {
            same("planned before symbols were resolved", image, kernelOrder, problems);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(f.name() + ": " + String.join("\n", problems));
        }
        return "entries: " + (detail.length() == 0 ? "none" : detail) + "; allocated == used";
    }

    private static Map<String, Long> tables(LoadedImage image) {
        Map<String, Long> m = new HashMap<>();
        image.plan().tables().tables().forEach(t -> m.put(t.name(), t.size()));
        return m;
    }

    /** A link, with the table service's own refusal (an IllegalStateException) as the kit's failure. */
    private static LoadedImage link(java.util.function.Supplier<LoadedImage> link, String what) {
        try {
            return link.get();
        } catch (IllegalStateException e) {
            throw new AssertionError(what + ": the core's table service refused the plugin's rule: " + e.getMessage(),
                    e);
        }
    }

    private static void same(String what, LoadedImage a, LoadedImage b, List<String> problems) {
        if (!a.plan().placed().equals(b.plan().placed())) {
            problems.add(what + ": a different layout");
            return;
        }
        for (PlacedSection p : a.plan().placed()) {
            ByteBuffer x = a.bytes(p);
            ByteBuffer y = b.bytes(p);
            if (!x.equals(y)) {
                problems.add(what + ": " + p.name() + " differs");
            }
        }
    }
}
