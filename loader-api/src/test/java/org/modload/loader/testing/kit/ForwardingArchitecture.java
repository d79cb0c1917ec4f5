package org.modload.loader.testing.kit;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.spi.Applied;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.EntryKind;
import org.modload.loader.spi.Layout;
import org.modload.loader.spi.Need;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.Reach;
import org.modload.loader.spi.RelocationSite;

/**
 * An architecture that forwards every call to another, for tests that must see a check fail: a
 * subclass overrides the one method it gets wrong (a formula off by one, a rule that reads the
 * place), and the kit, run on it, must reject it. The kit's own tests break its toy this way;
 * an architecture module breaks its real plugin the same way.
 */
public abstract class ForwardingArchitecture implements Architecture {
    /** The architecture every call goes to. */
    protected final Architecture inner;

    protected ForwardingArchitecture(Architecture inner) {
        this.inner = inner;
    }

    @Override
    public Machine machine() {
        return inner.machine();
    }

    @Override
    public ElfClass elfClass() {
        return inner.elfClass();
    }

    @Override
    public ByteOrder byteOrder() {
        return inner.byteOrder();
    }

    @Override
    public long moduleAreaBase() {
        return inner.moduleAreaBase();
    }

    @Override
    public long pageSize() {
        return inner.pageSize();
    }

    @Override
    public long smallDataFlag() {
        return inner.smallDataFlag();
    }

    @Override
    public Optional<RelocationType> relocationType(int rType) {
        return inner.relocationType(rType);
    }

    @Override
    public String relocationName(int rType) {
        return relocationType(rType).map(RelocationType::name).orElse("unknown(" + rType + ")");
    }

    @Override
    public boolean applies(RelocationType type, Profile profile) {
        return inner.applies(type, profile);
    }

    @Override
    public String whyNot(RelocationType type, Profile profile) {
        return inner.whyNot(type, profile);
    }

    @Override
    public void checkObject(ElfFile obj, Profile profile) {
        inner.checkObject(obj, profile);
    }

    @Override
    public long implicitAddend(RelocationSite site) {
        return inner.implicitAddend(site);
    }

    @Override
    public List<EntryKind> entryKinds(Profile profile) {
        return inner.entryKinds(profile);
    }

    @Override
    public Need need(RelocationSite site, Profile profile, Reach reach) {
        return inner.need(site, profile, reach);
    }

    @Override
    public Map<String, Long> linkSymbols(Layout layout, Profile profile) {
        return inner.linkSymbols(layout, profile);
    }

    @Override
    public List<String> linkSymbolNames(Profile profile) {
        return inner.linkSymbolNames(profile);
    }

    @Override
    public long place(RelocationSite site, RelocationType row) {
        return inner.place(site, row);
    }

    @Override
    public void write(RelocationSite site, Applied applied, Profile profile) {
        inner.write(site, applied, profile);
    }
}
