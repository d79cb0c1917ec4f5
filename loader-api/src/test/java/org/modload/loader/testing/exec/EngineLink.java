package org.modload.loader.testing.exec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.diag.LoaderException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.SectionFlags;
import org.modload.loader.elf.Symbol;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.TableRequest;

/**
 * Every call of the execution oracle into the engine, in one place, because the engine's API is
 * changing under issue 9 (several objects per link, defined symbols on the image): links the
 * objects with the PERMISSIVE profile and {@code LayoutPolicy.Linux(base)}, resolving externals
 * from the addresses runimage found, and turns the engine's image into a {@link LinkedImage}.
 */
public final class EngineLink {
    private EngineLink() {
    }

    /** What the engine made of a link: an image, or its one-line refusal. */
    public sealed interface Result {
    }

    /** The engine linked the objects. */
    public record Linked(LinkedImage image) implements Result {
    }

    /** The engine refused; {@code message} is its located error line. */
    public record Refused(String message) implements Result {
    }

    /**
     * Links {@code input} at {@code base}.
     *
     * @param resolved the address of every external name in runimage's process; empty for a name
     *     nothing there defines (a weak reference then resolves to 0, a strong one is refused)
     */
    public static Result link(Architecture arch, ObjectFiles input, long base, Map<String, OptionalLong> resolved) {
        if (input.objects().size() != 1) {
            // The engine links one object per call today; issue 9 adds link(List<ElfFile>, ...).
            return new Refused("modload links one object per call; " + input.objects().size()
                    + " objects need the multi-object link of issue 9");
        }
        ElfFile obj = input.objects().get(0);
        LoadedImage image;
        try {
            image = new LinkEngine(arch).link(obj, Profile.PERMISSIVE, new LayoutPolicy.Linux(base), name -> {
                OptionalLong a = resolved.getOrDefault(name, OptionalLong.empty());
                return a.isPresent() ? Optional.of(SymbolDefinition.at(a.getAsLong())) : Optional.empty();
            });
        } catch (LoaderException e) {
            return new Refused(e.getMessage());
        }
        Map<String, TableRequest> tables = new HashMap<>();
        image.plan().tables().tables().forEach(t -> tables.put(t.name(), t));
        List<LinkedImage.Piece> pieces = new ArrayList<>();
        Map<LinkedImage.SectionRef, Long> sections = new HashMap<>();
        for (PlacedSection p : image.plan().placed()) {
            ByteBuffer b = image.bytes(p);
            byte[] bytes = new byte[Math.toIntExact(p.size())];
            b.get(0, bytes);
            LinkedImage.Protection prot;
            if (p.isTable()) {
                prot = tables.get(p.name()).executable() ? LinkedImage.Protection.RX : LinkedImage.Protection.RW;
            } else {
                long f = obj.section(p.sectionIndex()).header().flags();
                prot = LinkedImage.Protection.of((f & SectionFlags.SHF_WRITE) != 0,
                        (f & SectionFlags.SHF_EXECINSTR) != 0);
                sections.put(new LinkedImage.SectionRef(0, p.sectionIndex()), p.address());
            }
            pieces.add(new LinkedImage.Piece(p.name(), p.address(), bytes, prot));
        }
        // Until the image lists its defined symbols (issue 9), main is found in the symbol table.
        Symbol main = obj.symbols().stream()
                .filter(s -> s.name().equals("main") && s.isInSection() && !ObjectFiles.isLocal(s))
                .findFirst().orElseThrow(() -> new IllegalArgumentException(obj.name() + " defines no main"));
        Long text = sections.get(new LinkedImage.SectionRef(0, main.shndx()));
        if (text == null) {
            Section s = obj.section(main.shndx());
            throw new IllegalStateException("main's section " + s.name() + " was not placed");
        }
        return new Linked(new LinkedImage(pieces, text + main.value(), sections));
    }
}
