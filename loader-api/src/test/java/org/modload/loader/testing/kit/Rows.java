package org.modload.loader.testing.kit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.modload.loader.elf.ElfClass;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.spi.Architecture;

/**
 * The rows a plugin declares, found by asking {@link Architecture#relocationType} for every
 * number r_info can carry (0-255 for ELFCLASS32; 0-65535 for ELFCLASS64, as far as
 * {@code RelocationTable} reaches), with what went wrong while asking. Immutable.
 *
 * @param byNumber the rows by the number they were found at
 * @param problems lookups that threw, one line each
 */
record Rows(Map<Integer, RelocationType> byNumber, List<String> problems) {

    Rows {
        byNumber = Collections.unmodifiableMap(new TreeMap<>(byNumber));
        problems = List.copyOf(problems);
    }

    /** The highest number asked for. */
    static int limit(Architecture plugin) {
        return plugin.elfClass() == ElfClass.ELFCLASS32 ? 0xff : 0xffff;
    }

    static Rows scan(Architecture plugin) {
        Map<Integer, RelocationType> rows = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        int limit = limit(plugin);
        for (int n = 0; n <= limit; n++) {
            try {
                Optional<RelocationType> r = plugin.relocationType(n);
                if (r == null) {
                    problems.add("relocationType(" + n + ") returned null instead of Optional.empty()");
                } else {
                    int number = n;
                    r.ifPresent(t -> rows.put(number, t));
                }
            } catch (RuntimeException e) {
                if (problems.size() < 5) {
                    problems.add("relocationType(" + n + ") threw " + e + "; a number without a row must give"
                            + " Optional.empty(), so that the engine refuses it as unknown(" + n + ")");
                } else if (problems.size() == 5) {
                    problems.add("... (further numbers threw too)");
                }
            }
        }
        return new Rows(rows, problems);
    }

    /** The number of the row named {@code name}. */
    Optional<Integer> number(String name) {
        return byNumber.entrySet().stream().filter(e -> e.getValue().name().equals(name)).map(Map.Entry::getKey)
                .findFirst();
    }

    /** The highest declared number, or -1. */
    int max() {
        return byNumber.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
    }
}
