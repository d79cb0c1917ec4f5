package org.modload.loader.testing.kit.toy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.modload.loader.diag.LoaderException;
import org.modload.loader.diag.RelocationException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.link.AppliedRelocation;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadPlan;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.RelocationListener;
import org.modload.loader.spi.Applied;
import org.modload.loader.spi.EntryNeed;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.RelocationSite;
import org.modload.loader.testing.RelocationFixtures;

/**
 * The engine's {@link RelocationListener}, on the toy's fixtures: it sees every applied
 * relocation once, in file order, with the bytes before (the object's) and after (the image's)
 * the write, the entry the rule gave the site, and the one the architecture refuses before the
 * refusal propagates. A link with a listener writes the same image as one without.
 */
class RelocationListenerTest {
    private static final ToyArchitecture TOY = new ToyArchitecture();

    private static ElfFile fixture(String name) throws IOException {
        try (InputStream in = RelocationListenerTest.class.getResourceAsStream(name)) {
            return ElfFile.parse(name, ByteBuffer.wrap(in.readAllBytes()));
        }
    }

    /** Records what it is shown. */
    private static final class Recorder implements RelocationListener {
        final List<AppliedRelocation> applied = new ArrayList<>();
        final List<LoaderException> refused = new ArrayList<>();
        final List<Applied> refusedApplied = new ArrayList<>();

        @Override
        public void applied(AppliedRelocation r) {
            applied.add(r);
        }

        @Override
        public void refused(RelocationSite site, Applied a, LoaderException error) {
            refused.add(error);
            refusedApplied.add(a);
        }
    }

    @Test
    void everyAppliedRelocationIsShownWithTheBytesItChanged() throws IOException {
        ElfFile obj = fixture("toy-kernel.o");
        Recorder rec = new Recorder();
        LayoutPolicy linux = new LayoutPolicy.Linux(TOY.moduleAreaBase());
        LoadedImage image = new LinkEngine(TOY).link(List.of(obj), Profile.KERNEL, linux,
                RelocationFixtures.resolver(ToyKit.KERNEL_SYMBOLS), rec);
        LoadedImage plain = new LinkEngine(TOY).link(obj, Profile.KERNEL, linux,
                RelocationFixtures.resolver(ToyKit.KERNEL_SYMBOLS));
        List<String> expected = new ArrayList<>();
        for (RelocationSection rs : obj.relocationSections()) {
            if (rs.target().isAllocated()) {
                rs.entries().forEach(e -> expected.add(rs.target().name() + "+" + e.offset()));
            }
        }
        assertEquals(expected, rec.applied.stream().map(r -> r.site().target().name() + "+" + r.site().offset())
                .toList());
        for (AppliedRelocation r : rec.applied) {
            int at = (int) r.bytesOffset();
            byte[] before = new byte[r.before().capacity()];
            r.before().get(0, before);
            byte[] original = new byte[before.length];
            r.site().target().bytes().get(at, original);
            assertArrayEquals(original, before, r.site().location().placeForm());
            byte[] after = new byte[r.after().capacity()];
            r.after().get(0, after);
            byte[] written = new byte[after.length];
            image.sectionBytes(r.site().target().index()).orElseThrow().get(at, written);
            assertArrayEquals(written, after, r.site().location().placeForm());
            assertTrue(r.site().memory().isReadOnly());
            int width = r.applied().row().field().bytes();
            assertTrue(width == 0 ? after.length == 0 : after.length == width, r.site().location().placeForm());
        }
        for (var p : image.plan().placed()) {
            assertEquals(plain.bytes(p), image.bytes(p), p.name());
        }
    }

    @Test
    void eachTableEntryIsTheSitesEntry() throws IOException {
        ElfFile obj = fixture("toy-permissive.o");
        Recorder rec = new Recorder();
        LoadedImage image = new LinkEngine(TOY).link(List.of(obj), Profile.PERMISSIVE,
                new LayoutPolicy.Linux(TOY.moduleAreaBase()), RelocationFixtures.resolver(ToyKit.USER_SYMBOLS), rec);
        Map<String, Integer> entries = new HashMap<>();
        for (AppliedRelocation r : rec.applied) {
            if (r.applied().need() instanceof EntryNeed en) {
                long table = image.plan().table(en.kind().table()).orElseThrow().address();
                long entry = r.applied().entry().orElseThrow();
                assertTrue(entry >= table && entry < table + image.plan().table(en.kind().table()).orElseThrow()
                        .size(), r.site().location().placeForm());
                entries.merge(en.kind().table(), 1, Integer::sum);
            }
        }
        // 3 GOT loads and 2 far calls (through stubs); the near and the internal call need none.
        assertEquals(Map.of(".got", 4, ".plt", 2), entries);
    }

    @Test
    void theRefusedRelocationIsShownBeforeTheRefusalPropagates() throws IOException {
        ElfFile obj = fixture("toy-kernel.o");
        Map<String, Long> far = new HashMap<>(ToyKit.KERNEL_SYMBOLS);
        far.put("ext_data", 0x100000000L);
        Recorder rec = new Recorder();
        LinkEngine engine = new LinkEngine(TOY);
        LoadPlan plan = engine.plan(obj, Profile.KERNEL, new LayoutPolicy.Linux(TOY.moduleAreaBase()));
        RelocationException e = assertThrows(RelocationException.class, () -> engine.relocate(plan,
                engine.resolve(plan, RelocationFixtures.resolver(far)), rec));
        assertEquals(1, rec.refused.size());
        assertSame(e, rec.refused.get(0));
        assertEquals("R_X86_64_PC32", rec.refusedApplied.get(0).row().name());
        // The four .text relocations before it were applied.
        assertEquals(4, rec.applied.size());
    }
}
