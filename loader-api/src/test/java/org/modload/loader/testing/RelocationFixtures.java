package org.modload.loader.testing;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.modload.loader.diag.Location;
import org.modload.loader.diag.RelocationException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Relocation;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.link.LoadPlan;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.link.SymbolResolver;

/**
 * Committed fixture objects of an architecture module's {@code src/test/resources/fixtures}
 * (built by its {@code regen.sh}) and what relocation tests need to know about them: where a
 * symbol's one relocation is, and the address of its place under a plan.
 */
public final class RelocationFixtures {
    private RelocationFixtures() {
    }

    /**
     * Copies fixture {@code name}, opened by the caller (resources of a named module are only
     * visible to its own code: {@code getClass().getResourceAsStream("/fixtures/" + name)}), into
     * {@code dir} and returns its path.
     */
    public static Path copy(InputStream fixture, String name, Path dir) {
        try (InputStream in = fixture) {
            assertNotNull(in, "fixture " + name + " is missing: run src/test/resources/fixtures/regen.sh");
            Path p = dir.resolve(name);
            Files.copy(in, p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ElfFile parse(Path object) {
        try {
            return ElfFile.parse(object.getFileName().toString(), ByteBuffer.wrap(Files.readAllBytes(object)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A resolver that knows exactly the names of {@code values}. */
    public static SymbolResolver resolver(Map<String, Long> values) {
        return name -> Optional.ofNullable(values.get(name)).map(SymbolDefinition::at);
    }

    /** One relocation entry and the section it patches. */
    public record Site(RelocationSection section, Relocation entry) {
        /** P under {@code plan}. */
        public long place(LoadPlan plan) {
            return plan.section(section.target().index()).orElseThrow().address() + entry.offset();
        }

        /** A of an SHT_REL entry: kept in the place, a little-endian 32-bit word read as signed. */
        public long implicitAddend32() {
            return section.target().bytes().order(ByteOrder.LITTLE_ENDIAN).getInt((int) entry.offset());
        }
    }

    /** The one relocation that references {@code symbol}. */
    public static Site site(ElfFile obj, String symbol) {
        List<Site> found = obj.relocationSections().stream()
                .flatMap(rs -> rs.entries().stream().map(r -> new Site(rs, r)))
                .filter(s -> obj.symbols().get(s.entry().symbol()).name().equals(symbol))
                .toList();
        assertEquals(1, found.size(), "relocations referencing " + symbol);
        return found.get(0);
    }

    /** Section name to address, for every section {@code plan} places. */
    public static Map<String, Long> layout(LoadPlan plan) {
        Map<String, Long> layout = new LinkedHashMap<>();
        plan.placed().forEach(p -> layout.put(p.name(), p.address()));
        return layout;
    }

    /**
     * Asserts every field of a refusal of an unsupported type: reason UNSUPPORTED_TYPE, the type
     * and symbol named, no value or range, located at {@code section+offset} of {@code obj}, and
     * the exact message.
     */
    public static void assertUnsupported(RelocationException e, ElfFile obj, String section, long offset, String type,
            String symbol, String message) {
        int index = obj.section(section).orElseThrow().index();
        assertAll(
                () -> assertEquals(RelocationException.Reason.UNSUPPORTED_TYPE, e.reason()),
                () -> assertEquals(type, e.type()),
                () -> assertEquals(symbol, e.symbol()),
                () -> assertEquals(OptionalLong.empty(), e.value()),
                () -> assertEquals(OptionalLong.empty(), e.min()),
                () -> assertEquals(OptionalLong.empty(), e.max()),
                () -> assertEquals(new Location(obj.name(), OptionalInt.of(index), section, OptionalLong.of(offset)),
                        e.location()),
                () -> assertEquals(message, e.getMessage()));
    }

    /**
     * Asserts every field of an out-of-range refusal: reason OUT_OF_RANGE, the type and symbol
     * named, the value and the range, located at {@code section+offset} of {@code obj}, and the
     * exact message.
     */
    public static void assertOutOfRange(RelocationException e, ElfFile obj, String section, long offset, String type,
            String symbol, long value, long min, long max, String message) {
        int index = obj.section(section).orElseThrow().index();
        assertAll(
                () -> assertEquals(RelocationException.Reason.OUT_OF_RANGE, e.reason()),
                () -> assertEquals(type, e.type()),
                () -> assertEquals(symbol, e.symbol()),
                () -> assertEquals(OptionalLong.of(value), e.value()),
                () -> assertEquals(OptionalLong.of(min), e.min()),
                () -> assertEquals(OptionalLong.of(max), e.max()),
                () -> assertEquals(new Location(obj.name(), OptionalInt.of(index), section, OptionalLong.of(offset)),
                        e.location()),
                () -> assertEquals(message, e.getMessage()));
    }
}
