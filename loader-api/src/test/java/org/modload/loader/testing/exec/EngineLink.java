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
import org.modload.loader.elf.SectionFlags;
import org.modload.loader.link.DefinedSymbol;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.TableRequest;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Profile;

/**
 * Every call of the execution oracle into the engine, in one place: links the objects (several
 * in one link) with the PERMISSIVE profile and {@code LayoutPolicy.Linux(base)}, resolving externals
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
        List<ElfFile> objects = input.objects();
        LoadedImage image;
        try {
            image = new LinkEngine(arch).link(objects, Profile.PERMISSIVE, new LayoutPolicy.Linux(base), name -> {
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
                long f = objects.get(p.object()).section(p.sectionIndex()).header().flags();
                prot = LinkedImage.Protection.of((f & SectionFlags.SHF_WRITE) != 0,
                        (f & SectionFlags.SHF_EXECINSTR) != 0);
                sections.put(new LinkedImage.SectionRef(p.object(), p.sectionIndex()), p.address());
            }
            pieces.add(new LinkedImage.Piece(p.name(), p.address(), bytes, prot));
        }
        DefinedSymbol main = image.definedSymbol("main")
                .orElseThrow(() -> new IllegalArgumentException(objects.get(0).name() + " defines no main"));
        return new Linked(new LinkedImage(pieces, main.address(), sections));
    }
}
