package org.modload.arch.ia64;

import java.nio.ByteOrder;
import java.util.Optional;

import org.modload.loader.diag.ArchitectureException;
import org.modload.loader.diag.Location;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Fixups;
import org.modload.loader.spi.LinkageTables;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.RelocationSite;
import org.modload.loader.spi.ResolvedValue;

/**
 * ia64 (EM_IA_64). This plugin names every psABI type and refuses SHT_REL sections as Linux's
 * {@code apply_relocate()} does; applying relocations (bundles, slots, GOT, PLT, descriptors
 * and gp) is issue #5 and until then every type is refused with a located error.
 */
public final class Ia64Architecture implements Architecture {

    @Override
    public Machine machine() {
        return Machine.EM_IA_64;
    }

    @Override
    public ElfClass elfClass() {
        return ElfClass.ELFCLASS64;
    }

    @Override
    public ByteOrder byteOrder() {
        return ByteOrder.LITTLE_ENDIAN;
    }

    @Override
    public long moduleAreaBase() {
        return 0xa000000200000000L;
    }

    @Override
    public Optional<RelocationType> relocationType(int rType) {
        return Ia64Relocation.of(rType).map(r -> r);
    }

    @Override
    public void checkObject(ElfFile obj, Profile profile) {
        for (RelocationSection rs : obj.relocationSections()) {
            if (!rs.isRela() && rs.target().isAllocated()) {
                throw new ArchitectureException(Location.ofSection(obj.name(), rs.section().index(),
                        rs.section().name()), machine().specName(),
                        "SHT_REL relocation sections are not supported on ia64 (Linux: \"REL relocation unsupported\")");
            }
        }
    }

    @Override
    public long implicitAddend(RelocationSite site) {
        throw Fixups.unsupported(site, "SHT_REL entry " + relocationName(site.entry().type()));
    }

    @Override
    public void apply(RelocationSite site, ResolvedValue value, LinkageTables tables, Profile profile) {
        // TODO(#5): apply the ia64 relocation set.
        throw Fixups.unsupported(site, relocationName(site.entry().type()));
    }
}
