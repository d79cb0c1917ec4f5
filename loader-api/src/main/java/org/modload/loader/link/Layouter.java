package org.modload.loader.link;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.modload.loader.diag.LayoutException;
import org.modload.loader.diag.Location;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.SectionFlags;
import org.modload.loader.elf.SectionType;

/**
 * Places the allocated sections of the objects of one link, and its tables, under a
 * {@link LayoutPolicy}: Linux's {@code layout_sections()} with the objects' sections taken in
 * link order within each group.
 */
final class Layouter {
    /** Linux's SHF_RO_AFTER_INIT, set by the loader on the sections named below. */
    private static final long SHF_RO_AFTER_INIT = 0x00200000L;
    private static final Set<String> RO_AFTER_INIT = Set.of(".data..ro_after_init", "__jump_table");

    private final List<ElfFile> objects;
    private final ElfFile obj;
    private final TablePlan tables;
    private final long pageSize;
    private final long small;

    /** Sections not laid out in either region: discarded COMDAT groups, and what the policy unallocates or detaches. */
    private final Binding.SectionFilter excluded;

    Layouter(List<ElfFile> objects, TablePlan tables, long pageSize, long smallDataFlag,
            Binding.SectionFilter excluded) {
        this.excluded = excluded;
        this.objects = objects;
        this.obj = objects.get(0);
        this.tables = tables;
        this.pageSize = pageSize;
        this.small = smallDataFlag;
    }

    private long[][] masks() {
        long alloc = SectionFlags.SHF_ALLOC;
        return new long[][] {
            {SectionFlags.SHF_EXECINSTR | alloc, small},
            {alloc, SectionFlags.SHF_WRITE | small},
            {SHF_RO_AFTER_INIT | alloc, small},
            {SectionFlags.SHF_WRITE | alloc, small},
            {small | alloc, 0},
        };
    }

    private static long align(long v, long a) {
        long al = Math.max(a, 1);
        return (v + al - 1) & -al;
    }

    private long effectiveFlags(Section s) {
        return s.header().flags() | (RO_AFTER_INIT.contains(s.name()) ? SHF_RO_AFTER_INIT : 0);
    }

    /**
     * An allocated section named like one of the architecture's tables is that table's
     * placeholder (ia64's {@code module.lds} gives {@code .core.plt}, {@code .init.plt},
     * {@code .got} and {@code .opd} one byte each, which Linux resizes); the table takes its
     * place and the placeholder itself is not placed.
     */
    private boolean isPlaceholder(Section s) {
        return tables.tables().stream().anyMatch(t -> t.name().equals(s.name()));
    }

    /** Larger than any module's image; a section (or all of them) beyond it is refused before any arithmetic. */
    static final long MAX_IMAGE = 1L << 30;
    /** Larger than any alignment a module asks for (page-aligned data is the most seen). */
    static final long MAX_ALIGNMENT = 1L << 20;

    /**
     * Refuses sizes and alignments no module image has, so that the layout's sums cannot wrap:
     * SHT_NOBITS sizes are not bounded by the file, and sh_addralign is any 64-bit value.
     */
    private void checkSizes() {
        long total = 0;
        for (ElfFile obj : objects) {
        for (Section s : obj.sections()) {
            if (!s.isAllocated()) {
                continue;
            }
            long size = s.size();
            long alignment = s.header().addralign();
            if (size != 0 && s.type().equals(SectionType.SHT_NULL)) {
                // Linux would copy sh_size bytes from an sh_offset it never checked (SHT_NULL skips the bounds check).
                throw new LayoutException(Location.ofSection(obj.name(), s.index(), s.name()), String.format(
                        "sh_type SHT_NULL with SHF_ALLOC and sh_size 0x%x: the section has no bytes to load", size));
            }
            if (size < 0 || size > MAX_IMAGE || alignment < 0 || alignment > MAX_ALIGNMENT) {
                throw new LayoutException(Location.ofSection(obj.name(), s.index(), s.name()), String.format(
                        "sh_size 0x%x / sh_addralign 0x%x exceed what a module can load (size at most 0x%x, "
                                + "alignment at most 0x%x)", size, alignment, MAX_IMAGE, MAX_ALIGNMENT));
            }
            total += size + alignment;
            if (total > MAX_IMAGE) {
                throw new LayoutException(Location.ofFile(obj.name()), String.format(
                        "allocated sections total more than 0x%x bytes, more than a module can load", MAX_IMAGE));
            }
        }
        }
    }

    static boolean isInit(String name) {
        return name.startsWith(".init");
    }

    /**
     * The result of one layout: every placed piece in address order, the region bounds (sizes
     * include the reservations), the reservations and the detached sections.
     */
    record Laid(List<PlacedSection> placed, long coreBase, long coreSize, long initBase, long initSize,
            List<ReservedRange> reserved, List<PlacedSection> detached) {
        Laid {
            placed = List.copyOf(placed);
            reserved = List.copyOf(reserved);
            detached = List.copyOf(detached);
        }
    }

    Laid plan(LayoutPolicy policy) {
        checkSizes();
        Laid plan = policy instanceof LayoutPolicy.Explicit e ? explicit(e) : linux((LayoutPolicy.Linux) policy);
        checkAddressSpace(plan);
        return plan;
    }

    /** {@link LayoutPolicy.Linux}: the regions, then the detached sections at their addresses. */
    private Laid linux(LayoutPolicy.Linux policy) {
        List<PlacedSection> detached = new ArrayList<>();
        for (Map.Entry<Integer, Long> d : new java.util.TreeMap<>(policy.detached()).entrySet()) {
            int index = d.getKey();
            if (index <= 0 || index >= obj.sections().size() || !obj.section(index).isAllocated()) {
                throw new LayoutException(Location.ofFile(obj.name()), "the layout detaches section " + index
                        + ", which is not an allocated section of the object");
            }
            Section s = obj.section(index);
            long alignment = Math.max(s.header().addralign(), 1);
            if ((d.getValue() & (alignment - 1)) != 0) {
                throw new LayoutException(Location.ofSection(obj.name(), index, s.name()), "address 0x"
                        + Long.toHexString(d.getValue()) + " for '" + s.name() + "' is not aligned to its sh_addralign 0x"
                        + Long.toHexString(alignment));
            }
            detached.add(new PlacedSection(s.name(), index, d.getValue(), s.size(), alignment, Region.DETACHED, 0));
        }
        Laid regions = linux(policy.base(), policy.initBase(), Map.of(), policy.reservations());
        return new Laid(regions.placed(), regions.coreBase(), regions.coreSize(), regions.initBase(),
                regions.initSize(), regions.reserved(), detached);
    }

    /** A 32-bit object's image must lie below 4 GiB: its relocations would silently wrap otherwise. */
    private void checkAddressSpace(Laid plan) {
        if (!obj.elfClass().equals(org.modload.loader.elf.ElfClass.ELFCLASS32)) {
            return;
        }
        for (PlacedSection p : plan.placed()) {
            if (Long.compareUnsigned(p.address() + p.size(), 1L << 32) > 0) {
                throw new LayoutException(Location.ofFile(obj.name()), String.format(
                        "'%s' at 0x%x (sh_size 0x%x) does not fit in a 32-bit address space", p.name(), p.address(),
                        p.size()));
            }
        }
    }

    private Laid explicit(LayoutPolicy.Explicit e) {
        Map<String, Long> pinned = new HashMap<>(e.addresses());
        Map<String, Section> byName = new HashMap<>();
        for (ElfFile o : objects) {
            for (Section s : o.sections()) {
                if (s.isAllocated() && !isPlaceholder(s)) {
                    byName.putIfAbsent(s.name(), s);
                }
            }
        }
        Set<String> tableNames = new HashSet<>();
        tables.tables().forEach(t -> tableNames.add(t.name()));
        long end = e.base();
        for (Map.Entry<String, Long> p : pinned.entrySet()) {
            Section s = byName.get(p.getKey());
            long size;
            long alignment;
            if (s != null) {
                size = s.size();
                alignment = s.header().addralign();
            } else if (tableNames.contains(p.getKey())) {
                TableRequest t = tables.tables().stream().filter(x -> x.name().equals(p.getKey())).findFirst().orElseThrow();
                size = t.size();
                alignment = t.alignment();
            } else {
                throw new LayoutException(Location.ofFile(obj.name()),
                        "layout names section '" + p.getKey() + "', which is not an allocated section of the object");
            }
            if (alignment > 1 && (p.getValue() & (alignment - 1)) != 0) {
                throw new LayoutException(s != null ? Location.ofSection(obj.name(), s.index(), s.name())
                        : Location.ofFile(obj.name()), "address 0x" + Long.toHexString(p.getValue())
                        + " for '" + p.getKey() + "' is not aligned to its sh_addralign 0x" + Long.toHexString(alignment));
            }
            if (Long.compareUnsigned(p.getValue() + size, end) > 0) {
                end = p.getValue() + size;
            }
        }
        long base = align(end, pageSize);
        Laid plan = linux(base, java.util.OptionalLong.empty(), pinned, List.of());
        checkOverlaps(plan);
        return plan;
    }

    private void checkOverlaps(Laid plan) {
        List<PlacedSection> sorted = new ArrayList<>(plan.placed());
        sorted.removeIf(p -> p.size() == 0);
        sorted.sort(Comparator.comparing(PlacedSection::address, Long::compareUnsigned));
        for (int i = 1; i < sorted.size(); i++) {
            PlacedSection a = sorted.get(i - 1);
            PlacedSection b = sorted.get(i);
            if (Long.compareUnsigned(a.address() + a.size(), b.address()) > 0) {
                throw new LayoutException(Location.ofFile(obj.name()), "'" + a.name() + "' at 0x"
                        + Long.toHexString(a.address()) + " (size 0x" + Long.toHexString(a.size()) + ") overlaps '"
                        + b.name() + "' at 0x" + Long.toHexString(b.address()));
            }
        }
    }

    private Laid linux(long base, java.util.OptionalLong initAt, Map<String, Long> pinned,
            List<Reservation> reservations) {
        List<PlacedSection> out = new ArrayList<>();
        List<ReservedRange> reserved = new ArrayList<>();
        Set<String> pinnedUsed = new HashSet<>();
        long coreSize = reserve(Region.CORE, base, region(Region.CORE, base, pinned, pinnedUsed, out), reservations,
                reserved);
        long initBase = initAt.orElse(align(base + coreSize, pageSize));
        long initSize = reserve(Region.INIT, initBase, region(Region.INIT, initBase, pinned, pinnedUsed, out),
                reservations, reserved);
        out.sort(Comparator.comparing(PlacedSection::address, Long::compareUnsigned));
        return new Laid(out, base, coreSize, initBase, initSize, reserved, List.of());
    }

    /**
     * Appends {@code region}'s reservations after its {@code size} bytes, each at its alignment,
     * then page-aligns the region again, as {@code layout_symtab()} does; returns the new size.
     */
    private long reserve(Region region, long base, long size, List<Reservation> reservations,
            List<ReservedRange> out) {
        long at = size;
        boolean any = false;
        for (Reservation r : reservations) {
            if (r.region() != region) {
                continue;
            }
            any = true;
            at = align(at, r.alignment());
            out.add(new ReservedRange(r.name(), region, base + at, r.size()));
            at += r.size();
        }
        return any ? align(at, pageSize) : size;
    }

    /** Lays out one region from {@code base}; returns its size. Pinned names keep their address. */
    private long region(Region region, long base, Map<String, Long> pinned, Set<String> pinnedUsed,
            List<PlacedSection> out) {
        boolean init = region == Region.INIT;
        long[][] masks = masks();
        boolean[][] done = new boolean[objects.size()][];
        for (int o = 0; o < objects.size(); o++) {
            done[o] = new boolean[objects.get(o).sections().size()];
        }
        long size = 0;
        for (int m = 0; m < masks.length; m++) {
            for (int o = 0; o < objects.size(); o++) {
                for (Section s : objects.get(o).sections()) {
                    long f = effectiveFlags(s);
                    if (done[o][s.index()] || (f & masks[m][0]) != masks[m][0] || (f & masks[m][1]) != 0
                            || isInit(s.name()) != init || isPlaceholder(s) || excluded.test(o, s.index())) {
                        continue;
                    }
                    done[o][s.index()] = true;
                    long alignment = Math.max(s.header().addralign(), 1);
                    Long pin = pinned.get(s.name());
                    if (pin != null && pinnedUsed.add(s.name())) {
                        out.add(new PlacedSection(s.name(), s.index(), pin, s.size(), alignment, region, o));
                        continue;
                    }
                    size = align(size, alignment);
                    out.add(new PlacedSection(s.name(), s.index(), base + size, s.size(), alignment, region, o));
                    size += s.size();
                }
            }
            if (m == 0) {
                size = tables(region, true, base, size, pinned, pinnedUsed, out);
            }
            if (m == 4) {
                size = tables(region, false, base, size, pinned, pinnedUsed, out);
            }
            boolean pageAlign = init ? (m == 0 || m == 1 || m == 4) : (m != 3);
            if (pageAlign) {
                size = align(size, pageSize);
            }
        }
        return size;
    }

    private long tables(Region region, boolean executable, long base, long size, Map<String, Long> pinned,
            Set<String> pinnedUsed, List<PlacedSection> out) {
        long at = size;
        for (TableRequest t : tables.tables()) {
            if (t.executable() != executable || t.init() != (region == Region.INIT)) {
                continue;
            }
            long alignment = Math.max(t.alignment(), 1);
            Long pin = pinned.get(t.name());
            if (pin != null && pinnedUsed.add(t.name())) {
                out.add(new PlacedSection(t.name(), -1, pin, t.size(), alignment, region));
                continue;
            }
            at = align(at, alignment);
            out.add(new PlacedSection(t.name(), -1, base + at, t.size(), alignment, region));
            at += t.size();
        }
        return at;
    }
}
