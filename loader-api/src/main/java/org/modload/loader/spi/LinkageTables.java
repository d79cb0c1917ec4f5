package org.modload.loader.spi;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * An architecture's GOT/PLT/descriptor tables for one load, bound to their addresses and memory.
 * Created by {@link Architecture#bindTables} after layout, filled by
 * {@link Architecture#apply} while relocating (the kernel's {@code get_ltoff} style), and checked
 * by {@link #finish()}. One instance serves one load on one thread.
 */
public interface LinkageTables {

    /** Tables of an architecture that builds none. */
    LinkageTables NONE = new LinkageTables() {
    };

    /**
     * Called once after every relocation was applied; checks that what was allocated was used
     * (ia64: "allocated == used") and writes anything that depends on the whole load.
     */
    default void finish() {
    }

    /**
     * Extra addresses the architecture defines for the image (ia64's {@code __gp}), by name.
     * Called after {@link #finish()}.
     */
    default Map<String, Long> symbols() {
        return Map.of();
    }

    /** Convenience for implementations: an empty writable buffer. */
    static ByteBuffer empty() {
        return ByteBuffer.allocate(0);
    }
}
