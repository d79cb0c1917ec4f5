package org.modload.loader.testing.exec;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Relocation;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.Symbol;

/** What a cell of the execution matrix must show. */
public sealed interface Expectation {

    /**
     * Whether {@code outcome} meets this expectation.
     *
     * @param input the cell's objects, against which a refusal's location is checked
     * @return null when it does, else why not
     */
    String check(Outcome outcome, ObjectFiles input);

    /** Short form for the table. */
    String label();

    /** The program runs and prints what the normally built program prints. */
    static Expectation runs() {
        return Runs.INSTANCE;
    }

    /** See {@link #runs()}. */
    enum Runs implements Expectation {
        INSTANCE;

        @Override
        public String check(Outcome outcome, ObjectFiles input) {
            if (outcome instanceof Outcome.Passed) {
                return null;
            }
            return outcome instanceof Outcome.Refused r ? "refused: " + r.message() : ((Outcome.Failed) outcome).reason();
        }

        @Override
        public String label() {
            return "pass";
        }
    }

    /**
     * A cell that cannot work in principle: the engine must refuse it with a message matching
     * {@code message}, located at a real relocation of the input. The pattern's named groups
     * {@code object}, {@code section}, {@code offset} (hex, without 0x), {@code type} and
     * {@code symbol} are checked against the objects: a relocation of that type, at that place,
     * naming that symbol (a section symbol by its section's name).
     *
     * @param why the reason, for the table's notes
     * @param message the whole message, as a pattern
     * @param types the relocation types that may be named, psABI number to name
     */
    record Refusal(String why, Pattern message, Map<Integer, String> types) implements Expectation {
        public Refusal {
            Objects.requireNonNull(why);
            types = Map.copyOf(types);
        }

        @Override
        public String check(Outcome outcome, ObjectFiles input) {
            if (!(outcome instanceof Outcome.Refused r)) {
                return "expected a refusal (" + why + "), got "
                        + (outcome instanceof Outcome.Passed ? "a passing run" : ((Outcome.Failed) outcome).reason());
            }
            Matcher m = message.matcher(r.message());
            if (!m.matches()) {
                return "refused, but not as expected (" + why + "): " + r.message();
            }
            return located(m, input) ? null : "refused at a place that has no such relocation: " + r.message();
        }

        private boolean located(Matcher m, ObjectFiles input) {
            long offset = Long.parseUnsignedLong(m.group("offset"), 16);
            for (ElfFile obj : input.objects()) {
                if (!obj.name().equals(m.group("object"))) {
                    continue;
                }
                for (RelocationSection rs : obj.relocationSections()) {
                    if (!rs.target().name().equals(m.group("section"))) {
                        continue;
                    }
                    for (Relocation e : rs.entries()) {
                        Symbol s = obj.symbols().get(e.symbol());
                        String name = s.name().isEmpty() && s.isInSection() ? section(obj, s).name() : s.name();
                        if (e.offset() == offset && m.group("type").equals(types.get(e.type()))
                                && name.equals(m.group("symbol"))) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        private static Section section(ElfFile obj, Symbol s) {
            return obj.section(s.shndx());
        }

        @Override
        public String label() {
            return "refused";
        }
    }
}
