package org.modload.kernel.core;

import java.util.ArrayList;
import java.util.List;

import org.modload.loader.link.LoadPlan;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.Region;
import org.modload.loader.spi.ModuleMemory;

/** The relocated image as the architecture's kernel support sees it. */
final class Memory {
    private Memory() {
    }

    /** Every placed section and table of {@code image}, with read-only views of its bytes. */
    static ModuleMemory of(LoadedImage image) {
        LoadPlan plan = image.plan();
        List<ModuleMemory.Piece> pieces = new ArrayList<>(plan.placed().size());
        for (PlacedSection p : plan.placed()) {
            pieces.add(new ModuleMemory.Piece(p.name(), p.sectionIndex(), p.address(), p.size(),
                    p.region() == Region.INIT, image.bytes(p)));
        }
        return new ModuleMemory(pieces, plan.coreBase(), plan.coreSize(), plan.initBase(), plan.initSize());
    }
}
