package org.modload.arch.x86_64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Relocation;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.link.LoadPlan;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.link.SymbolResolver;

/**
 * The committed objects of {@code src/test/resources/fixtures} (built by its {@code regen.sh})
 * and what the tests need to know about them: where a symbol's one relocation is, and the
 * address of its place under a plan.
 */
final class RelocationFixtures {
    private RelocationFixtures() {
    }

    /** Copies fixture {@code name} into {@code dir} (tools need a file) and returns its path. */
    static Path copy(String name, Path dir) {
        try (InputStream in = RelocationFixtures.class.getResourceAsStream("/fixtures/" + name)) {
            assertNotNull(in, "fixture " + name + " is missing: run src/test/resources/fixtures/regen.sh");
            Path p = dir.resolve(name);
            Files.copy(in, p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ElfFile parse(Path object) {
        try {
            return ElfFile.parse(object.getFileName().toString(), ByteBuffer.wrap(Files.readAllBytes(object)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A resolver that knows exactly the names of {@code values}. */
    static SymbolResolver resolver(Map<String, Long> values) {
        return name -> Optional.ofNullable(values.get(name)).map(SymbolDefinition::at);
    }

    /** One relocation entry and the section it patches. */
    record Site(RelocationSection section, Relocation entry) {
        /** P under {@code plan}. */
        long place(LoadPlan plan) {
            return plan.section(section.target().index()).orElseThrow().address() + entry.offset();
        }
    }

    /** The one relocation that references {@code symbol}. */
    static Site site(ElfFile obj, String symbol) {
        List<Site> found = obj.relocationSections().stream()
                .flatMap(rs -> rs.entries().stream().map(r -> new Site(rs, r)))
                .filter(s -> obj.symbols().get(s.entry().symbol()).name().equals(symbol))
                .toList();
        assertEquals(1, found.size(), "relocations referencing " + symbol);
        return found.get(0);
    }

    /** Section name to address, for every section {@code plan} places. */
    static Map<String, Long> layout(LoadPlan plan) {
        Map<String, Long> layout = new LinkedHashMap<>();
        plan.placed().forEach(p -> layout.put(p.name(), p.address()));
        return layout;
    }
}
