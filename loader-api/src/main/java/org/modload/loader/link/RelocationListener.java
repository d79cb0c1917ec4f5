package org.modload.loader.link;

import org.modload.loader.diag.LoaderException;
import org.modload.loader.spi.Applied;
import org.modload.loader.spi.RelocationSite;

/**
 * Watches the engine apply relocations, for traces ({@code modload link --trace}) and tests:
 * {@link #applied} after each write, {@link #refused} when the architecture refuses to write.
 * Called by {@link LinkEngine#relocate(LoadPlan, ResolvedSymbols, RelocationListener)} on the
 * relocating thread, once per applied relocation, in the order the engine applies them (file
 * order). It sees read-only views; it cannot change the link. An exception it throws ends the
 * link, as a refusal would.
 */
@FunctionalInterface
public interface RelocationListener {

    /** Watches nothing: the engine then makes no copies at all. */
    RelocationListener NONE = r -> {
    };

    /** One relocation was written; {@code r} holds the bytes it changed. */
    void applied(AppliedRelocation r);

    /**
     * The architecture refused to write the relocation at {@code site} (it writes nothing when it
     * throws); {@code error} propagates after this returns. Does nothing by default.
     *
     * @param applied what the engine computed for the site before the refusal
     */
    default void refused(RelocationSite site, Applied applied, LoaderException error) {
    }
}
