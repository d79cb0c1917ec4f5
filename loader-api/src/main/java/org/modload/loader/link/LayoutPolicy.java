package org.modload.loader.link;

import java.util.Map;

/** How the engine places an object's allocated sections. */
public sealed interface LayoutPolicy {

    /**
     * Linux's {@code layout_sections()}: core then init, each grouped by the kernel's five flag
     * masks (text, read-only, ro-after-init, writable, small data), page-aligned between
     * groups, alignment honoured, {@code .init*} sections in init; core starts at {@code base}
     * and init follows core on the next page.
     */
    record Linux(long base) implements LayoutPolicy {
    }

    /**
     * Sections (and tables) named in {@code addresses} are pinned there; the rest are laid out
     * as {@link Linux} from the first page at or above both {@code base} and the highest pinned
     * end (pass 0 as {@code base} to follow the pinned sections directly).
     */
    record Explicit(Map<String, Long> addresses, long base) implements LayoutPolicy {
        public Explicit {
            addresses = Map.copyOf(addresses);
        }
    }
}
