package org.modload.loader.testing.kit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.testing.LdDifferential;

/**
 * {@link KitCheck#DIFFERENTIAL}: every fixture marked {@link KitFixture#withLd()} linked by the
 * engine and by GNU ld at the same section addresses with the same symbol values (the link
 * symbols, such as {@code __gp}, included): every placed section byte-identical
 * ({@link LdDifferential}).
 */
final class DifferentialCheck {
    private DifferentialCheck() {
    }

    static List<Probe> probes(KitContext ctx) {
        KitSpec spec = ctx.spec();
        if (spec.binutils().isEmpty()) {
            return List.of(spec.withoutLd().isEmpty()
                    ? Probe.failing(KitCheck.DIFFERENTIAL, "GNU ld", "the spec declares neither binutils(...) nor"
                            + " withoutLd(why)")
                    : Probe.skipped(KitCheck.DIFFERENTIAL, "GNU ld", spec.withoutLd()));
        }
        List<KitFixture> fixtures = spec.fixtures().stream().filter(KitFixture::ld).toList();
        if (fixtures.isEmpty()) {
            return List.of(Probe.failing(KitCheck.DIFFERENTIAL, "GNU ld", "checked nothing: binutils are named, but no"
                    + " fixture is marked withLd()"));
        }
        List<Probe> out = new ArrayList<>();
        for (KitFixture f : fixtures) {
            out.add(new Probe(KitCheck.DIFFERENTIAL, f.name() + " (" + f.profile() + ")", () -> compare(ctx, f)));
        }
        return out;
    }

    private static String compare(KitContext ctx, KitFixture f) throws IOException {
        LdDifferential ld = LdDifferential.of(ctx.spec().binutils().orElseThrow().toolchain());
        Path dir = Files.createDirectories(ctx.spec().work().resolve("ld").resolve(f.name()));
        Path object = dir.resolve(f.name());
        byte[] b = new byte[f.bytes().capacity()];
        f.bytes().get(0, b);
        Files.write(object, b);
        ElfFile obj = f.parse();
        LoadedImage image = new LinkEngine(ctx.plugin()).link(List.of(obj), f.profile(),
                f.policy().orElseGet(() -> new LayoutPolicy.Linux(ctx.plugin().moduleAreaBase())), f.resolver());
        LdDifferential.Comparison c;
        try {
            c = ld.compare(object, obj, image, dir);
        } catch (UncheckedIOException e) {
            throw new AssertionError(f.name() + ": " + e.getMessage(), e);
        }
        if (!c.identical()) {
            throw new AssertionError(f.name() + ": " + c.differences().size() + " differences from GNU ld:\n"
                    + String.join("\n", c.differences()));
        }
        if (c.relocations() == 0 || c.sections() == 0) {
            throw new AssertionError(f.name() + ": checked nothing: " + c.sections() + " sections, " + c.relocations()
                    + " relocations compared");
        }
        return c.sections() + " sections, " + c.bytes() + " bytes, " + c.relocations() + " relocations = GNU ld";
    }
}
