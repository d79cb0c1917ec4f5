package org.modload.loader.testing.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.Symbol;
import org.modload.loader.testing.LdDifferential;

/**
 * The second half of Must show 2: where GNU ld, linking the same object with every input
 * section pinned at the image's address and every external at runimage's address
 * ({@link LdDifferential#linkRelaxing}), relaxed a GOTPCRELX, REX_GOTPCRELX or GOT32X
 * instruction, the image must hold the same instruction bytes. Sites ld left as GOT loads are
 * not compared (their GOT entries lie elsewhere in ld's output); {@link SiteChecker} follows them.
 *
 * <p>x86_64 images below 2 GiB are compared with a fixed-address executable ({@code -no-pie},
 * where ld prefers {@code mov $imm32}); above, with a PIE (where ld uses {@code lea}), since ld
 * cannot relax a fixed-address executable there.
 */
public final class LdRelaxation {
    private static final HexFormat HEX = HexFormat.of();

    private LdRelaxation() {
    }

    /**
     * What the comparison found.
     *
     * @param compared sites ld relaxed, compared with the image
     * @param keptByLd relaxable sites ld left as GOT loads
     * @param notes why an object could not be compared (ld's own failure), one line each
     * @param differences one line per relaxed site whose bytes differ; empty when all agree
     */
    public record Report(int compared, int keptByLd, List<String> notes, List<String> differences) {
        public Report {
            notes = List.copyOf(notes);
            differences = List.copyOf(differences);
        }
    }

    /** Compares every relaxable site of {@code values.input()} in {@code image} with ld's link of the same object. */
    public static Report compare(Abi abi, SymbolValues values, LinkedImage image, Map<String, OptionalLong> external,
            Path work) {
        ObjectFiles input = values.input();
        int compared = 0;
        int kept = 0;
        List<String> notes = new ArrayList<>();
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < input.objects().size(); i++) {
            ElfFile obj = input.objects().get(i);
            List<GotPltSite> sites = relaxable(abi, values, image, i);
            if (sites.isEmpty()) {
                continue;
            }
            Map<String, Long> layout = new HashMap<>();
            for (Section s : obj.sections()) {
                final int index = s.index();
                image.sectionAddress(i, index).ifPresent(a -> layout.put(s.name(), a));
            }
            // ld's own GOT after the image, in reach of its code (only the sites ld relaxes are compared).
            LinkedImage.Piece last = image.pieces().get(image.pieces().size() - 1);
            PinnedLd.pinLinkerTables(layout, last.address() + last.size());
            Map<String, Long> symbols = new HashMap<>(values.definitionsOutside(i));
            for (Symbol s : obj.symbols()) {
                if (s.isUndefined() && external.containsKey(s.name())) {
                    external.get(s.name()).ifPresent(a -> symbols.put(s.name(), a));
                }
            }
            boolean pie = abi == Abi.X86_64 && Long.compareUnsigned(image.pieces().get(image.pieces().size() - 1)
                    .address(), 1L << 31) >= 0;
            Path dir = directory(work, obj.name());
            LdDifferential.LdImage ld = LdDifferential.forMachine(abi.machine())
                    .linkRelaxing(input.paths().get(i), obj, layout, symbols, pie, dir);
            if (ld.failure() != null) {
                notes.add(obj.name() + ": ld " + (pie ? "-pie" : "-no-pie") + " cannot link it at these addresses: "
                        + ld.failure());
                continue;
            }
            for (GotPltSite s : sites) {
                int k = prefixLength(s.kind());
                int sectionIndex = s.sectionIndex();
                Optional<Section> out = ld.section(sectionIndex);
                if (out.isEmpty()) {
                    notes.add(s.where() + ": ld dropped the section");
                    continue;
                }
                byte[] original = slice(obj.section(sectionIndex).bytes(), s.offset() - k, k + 4);
                byte[] theirs = slice(out.get().bytes(), s.offset() - k, k + 4);
                if (Arrays.equals(Arrays.copyOf(original, k), Arrays.copyOf(theirs, k))) {
                    kept++;
                    continue;
                }
                compared++;
                byte[] ours = image.bytes(s.place() - k, k + 4).orElse(new byte[0]);
                if (!Arrays.equals(ours, theirs)) {
                    differences.add(String.format("%s at 0x%x: image %s, ld %s", s.where(), s.place() - k,
                            HEX.formatHex(ours), HEX.formatHex(theirs)));
                }
            }
        }
        return new Report(compared, kept, notes, differences);
    }

    private static List<GotPltSite> relaxable(Abi abi, SymbolValues values, LinkedImage image, int object) {
        // A site whose section is not placed is SiteChecker's problem to report, not this comparison's.
        return GotPltSite.all(abi, values.input(), image, new ArrayList<>()).stream()
                .filter(s -> s.object() == object && s.kind().relaxable()).toList();
    }

    /** The bytes before the 32-bit field that ld may rewrite: opcode and ModRM, plus REX for REX_GOTPCRELX. */
    private static int prefixLength(SiteKind kind) {
        return kind == SiteKind.R_X86_64_REX_GOTPCRELX ? 3 : 2;
    }

    private static byte[] slice(ByteBuffer b, long from, int n) {
        byte[] out = new byte[n];
        b.duplicate().get(Math.toIntExact(from), out);
        return out;
    }

    private static Path directory(Path work, String name) {
        try {
            return Files.createTempDirectory(work, "ld-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
