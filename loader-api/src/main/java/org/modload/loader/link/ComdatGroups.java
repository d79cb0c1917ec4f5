package org.modload.loader.link;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.SectionType;
import org.modload.loader.elf.Symbol;

/**
 * COMDAT groups across the objects of one link, as ld keeps them: the first group of each
 * signature (SHT_GROUP with GRP_COMDAT, named by the symbol its sh_info gives) is kept, the
 * member sections of every later group of that signature are discarded. A one-object link
 * discards nothing. Immutable.
 */
final class ComdatGroups {
    private static final int GRP_COMDAT = 1;

    private final Set<Long> discarded;

    private ComdatGroups(Set<Long> discarded) {
        this.discarded = Set.copyOf(discarded);
    }

    static ComdatGroups of(List<ElfFile> objects) {
        Set<Long> discarded = new HashSet<>();
        if (objects.size() > 1) {
            Set<String> kept = new HashSet<>();
            for (int o = 0; o < objects.size(); o++) {
                ElfFile obj = objects.get(o);
                for (Section s : obj.sections()) {
                    if (!s.type().equals(SectionType.SHT_GROUP) || s.size() < 4) {
                        continue;
                    }
                    ByteBuffer b = s.bytes().order(obj.data().order());
                    if ((b.getInt(0) & GRP_COMDAT) == 0 || kept.add(signature(obj, s))) {
                        continue;
                    }
                    for (int at = 4; at + 4 <= s.size(); at += 4) {
                        discarded.add(LoadedImage.key(o, b.getInt(at)));
                    }
                }
            }
        }
        return new ComdatGroups(discarded);
    }

    /** The group's signature: the name of the symbol sh_info names (the section's name when it is unnamed). */
    private static String signature(ElfFile obj, Section group) {
        List<Symbol> syms = obj.symbols();
        int i = group.header().info();
        if (i > 0 && i < syms.size() && !syms.get(i).name().isEmpty()) {
            return syms.get(i).name();
        }
        return group.name();
    }

    /** Whether section {@code index} of object {@code object} was discarded. */
    boolean discarded(int object, int index) {
        return discarded.contains(LoadedImage.key(object, index));
    }
}
