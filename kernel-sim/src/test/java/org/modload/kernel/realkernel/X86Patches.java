package org.modload.kernel.realkernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.modload.kernel.model.ModuleView;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Relocation;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.elf.SectionFlags;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.Region;

/**
 * Why a byte of a module's core memory in the real x86 kernel differs from kernel-sim's
 * relocated image at the same addresses: each rule names what Linux 6.1 changes after
 * relocation, found from the module's own tables (read from kernel-sim's relocated copy, whose
 * every other byte must equal the kernel's). A byte no rule explains is {@link Kind#UNEXPLAINED}.
 * Rules are tried in the order of {@link Kind}.
 */
final class X86Patches {

    /** The classes of differences. */
    enum Kind {
        /** {@code .gnu.linkonce.this_module}: the kernel's own {@code struct module} (lists, kobject, state). */
        STRUCT_MODULE,
        /**
         * A table Linux sorts in place at load time ({@code __ex_table}: sort_extable;
         * {@code .orc_unwind_ip}/{@code .orc_unwind}: unwind_module_init; {@code __mcount_loc}:
         * ftrace_process_locs; {@code __jump_table}: jump_label_sort_entries and the init flag;
         * {@code .static_call_sites}: static_call_add_module and the init flag), counted only when
         * Linux's {@code lib/sort.c} heapsort applied to kernel-sim's table gives the kernel's
         * bytes exactly.
         */
        SORTED_TABLE,
        /** {@code call __fentry__} at an {@code __mcount_loc} site made a 5-byte NOP by ftrace, checked to be that NOP. */
        FTRACE_NOP,
        /** The instruction of an {@code .altinstructions} entry: replaced or NOP-optimized by apply_alternatives. */
        ALTERNATIVE,
        /** The instruction of a {@code .parainstructions} entry: apply_paravirt. */
        PARAVIRT,
        /** The instruction at a {@code .retpoline_sites} entry: apply_retpolines. */
        RETPOLINE,
        /** The {@code jmp __x86_return_thunk} at a {@code .return_sites} entry: apply_returns. */
        RETURN_THUNK,
        /** A {@code lock} prefix of {@code .smp_locks} made a DS prefix on a one-CPU machine, checked to be 0x3e. */
        SMP_LOCK,
        /** The jump or NOP at a {@code __jump_table} entry's code: jump label patching. */
        JUMP_LABEL,
        /** The call at a {@code .static_call_sites} entry: static_call_add_module patches it to the key's target. */
        STATIC_CALL,
        /**
         * A relocated word of a writable section (SHF_WRITE) the module's init or the kernel
         * rewrote at run time (list heads, registered structures); counted apart so that a wrong
         * relocation of data cannot hide among the other run-time writes unseen.
         */
        RUNTIME_DATA_RELOCATED,
        /** Any other byte of a writable section: data the module's init and the kernel wrote at run time. */
        RUNTIME_DATA,
        /** Anything else. */
        UNEXPLAINED
    }

    /** The outcome for one module: differing bytes per class, and where the unexplained ones are. */
    record Outcome(long compared, Map<Kind, Long> differing, List<String> unexplained) {
    }

    private static final byte[] NOP5_64 = {0x0f, 0x1f, 0x44, 0x00, 0x00};
    private static final byte[] NOP5_32 = {0x3e, (byte) 0x8d, 0x74, 0x26, 0x00};
    private static final int SHOWN = 8;

    private final ElfFile obj;
    private final ModuleView sim;
    private final long base;
    private final byte[] real;
    private final byte[] ours;
    private final boolean wide;
    private final Kind[] kind;

    private X86Patches(ElfFile obj, ModuleView sim, long base, byte[] real, byte[] ours) {
        this.obj = obj;
        this.sim = sim;
        this.base = base;
        this.real = real;
        this.ours = ours;
        this.wide = obj.elfClass().equals(ElfClass.ELFCLASS64);
        this.kind = new Kind[real.length];
    }

    /**
     * Classifies every byte where {@code real} (the kernel's core memory at {@code base}) and
     * {@code ours} (kernel-sim's at the same addresses) differ.
     */
    static Outcome classify(ElfFile obj, ModuleView sim, long base, byte[] real, byte[] ours) {
        return new X86Patches(obj, sim, base, real, ours).run();
    }

    private Outcome run() {
        section(".gnu.linkonce.this_module").ifPresent(p -> mark(p.address(), p.size(), Kind.STRUCT_MODULE));
        sortedTables();
        sites();
        for (RelocationSection rs : obj.relocationSections()) {
            Optional<PlacedSection> target = sim.image().plan().section(rs.target().index());
            if (target.isEmpty() || target.get().region() != Region.CORE
                    || (rs.target().header().flags() & SectionFlags.SHF_WRITE) == 0) {
                continue;
            }
            for (Relocation r : rs.entries()) {
                // R_X86_64_64 (1) writes 8 bytes; the other data relocations of x86 modules write 4.
                mark(target.get().address() + r.offset(), wide && r.type() == 1 ? 8 : 4, Kind.RUNTIME_DATA_RELOCATED);
            }
        }
        for (PlacedSection p : coreSections()) {
            if ((obj.section(p.sectionIndex()).header().flags() & SectionFlags.SHF_WRITE) != 0) {
                mark(p.address(), p.size(), Kind.RUNTIME_DATA);
            }
        }
        Map<Kind, Long> counts = new EnumMap<>(Kind.class);
        List<String> unexplained = new ArrayList<>();
        for (int i = 0; i < real.length; i++) {
            if (real[i] == ours[i]) {
                continue;
            }
            Kind k = kind[i] == null ? Kind.UNEXPLAINED : kind[i];
            counts.merge(k, 1L, Long::sum);
            if (k == Kind.UNEXPLAINED && unexplained.size() < SHOWN) {
                unexplained.add(String.format("%s+0x%x (%s): kernel %02x, kernel-sim %02x", sim.name(), i, where(i),
                        real[i] & 0xff, ours[i] & 0xff));
            }
        }
        return new Outcome(real.length, counts, unexplained);
    }

    private String where(int offset) {
        long a = base + offset;
        for (PlacedSection p : sim.image().plan().placed()) {
            if (Long.compareUnsigned(a - p.address(), p.size()) < 0) {
                return p.name() + "+0x" + Long.toHexString(a - p.address());
            }
        }
        return "between sections";
    }

    private List<PlacedSection> coreSections() {
        return sim.image().plan().placed().stream().filter(p -> p.region() == Region.CORE && !p.isTable()).toList();
    }

    private Optional<PlacedSection> section(String name) {
        return coreSections().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** Marks the differing bytes of {@code [address, address + length)} not yet explained as {@code k}. */
    private void mark(long address, long length, Kind k) {
        for (long a = address; Long.compareUnsigned(a - address, length) < 0; a++) {
            long off = a - base;
            if (off >= 0 && off < real.length && kind[(int) off] == null) {
                kind[(int) off] = k;
            }
        }
    }

    private ByteBuffer ours(PlacedSection p) {
        return ByteBuffer.wrap(ours, (int) (p.address() - base), (int) p.size()).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private byte[] realBytes(long address, int length) {
        int off = (int) (address - base);
        return Arrays.copyOfRange(real, off, off + length);
    }

    private boolean inCore(long address) {
        return Long.compareUnsigned(address - base, real.length) < 0;
    }

    // --- the patched sites ---

    private void sites() {
        section("__mcount_loc").ifPresent(p -> {
            ByteBuffer b = ours(p);
            int w = wide ? 8 : 4;
            for (int at = 0; at + w <= p.size(); at += w) {
                long site = wide ? b.getLong(at) : b.getInt(at) & 0xffffffffL;
                if (inCore(site) && Arrays.equals(realBytes(site, 5), wide ? NOP5_64 : NOP5_32)) {
                    mark(site, 5, Kind.FTRACE_NOP);
                }
            }
        });
        section(".altinstructions").ifPresent(p -> {
            ByteBuffer b = ours(p);
            for (int at = 0; at + 12 <= p.size(); at += 12) {
                mark(p.address() + at + b.getInt(at), b.get(at + 10) & 0xff, Kind.ALTERNATIVE);
            }
        });
        section(".parainstructions").ifPresent(p -> {
            ByteBuffer b = ours(p);
            int entry = wide ? 16 : 8;
            int w = wide ? 8 : 4;
            for (int at = 0; at + entry <= p.size(); at += entry) {
                long instr = wide ? b.getLong(at) : b.getInt(at) & 0xffffffffL;
                mark(instr, b.get(at + w + 1) & 0xff, Kind.PARAVIRT);
            }
        });
        relative(".retpoline_sites", Kind.RETPOLINE, -1);
        relative(".return_sites", Kind.RETURN_THUNK, -1);
        relative(".smp_locks", Kind.SMP_LOCK, 1);
        section("__jump_table").ifPresent(p -> {
            ByteBuffer b = ours(p);
            int entry = wide ? 16 : 12;
            for (int at = 0; at + entry <= p.size(); at += entry) {
                long code = p.address() + at + b.getInt(at);
                mark(code, jumpLength(code), Kind.JUMP_LABEL);
            }
        });
        section(".static_call_sites").ifPresent(p -> {
            ByteBuffer b = ours(p);
            for (int at = 0; at + 8 <= p.size(); at += 8) {
                mark(p.address() + at + b.getInt(at), 5, Kind.STATIC_CALL);
            }
        });
    }

    /** A table of s32 offsets to sites; each site's instruction is {@code length} bytes, or decoded when -1. */
    private void relative(String table, Kind k, int length) {
        section(table).ifPresent(p -> {
            ByteBuffer b = ours(p);
            for (int at = 0; at + 4 <= p.size(); at += 4) {
                long site = p.address() + at + b.getInt(at);
                if (!inCore(site)) {
                    continue;
                }
                if (k == Kind.SMP_LOCK && real[(int) (site - base)] != 0x3e) {
                    continue; // only the DS prefix Linux writes on one CPU is explained
                }
                mark(site, length > 0 ? length : branchLength(site), k);
            }
        });
    }

    /** The length of a (CS-prefixed) call, jmp or jcc rel32 at {@code site}, in kernel-sim's bytes. */
    private int branchLength(long site) {
        int off = (int) (site - base);
        int prefixes = 0;
        while (off + prefixes < ours.length && ours[off + prefixes] == 0x2e) {
            prefixes++;
        }
        int op = off + prefixes < ours.length ? ours[off + prefixes] & 0xff : 0;
        return prefixes + (op == 0x0f ? 6 : 5);
    }

    /** A jump label site: a 2-byte jmp or NOP when kernel-sim's bytes hold one, else 5 bytes. */
    private int jumpLength(long code) {
        if (!inCore(code)) {
            return 0;
        }
        int off = (int) (code - base);
        int op = ours[off] & 0xff;
        boolean nop2 = op == 0x66 && off + 1 < ours.length && (ours[off + 1] & 0xff) == 0x90;
        return op == 0xeb || nop2 ? 2 : 5;
    }

    // --- the sorted tables, checked by sorting kernel-sim's as Linux does ---

    private void sortedTables() {
        section("__ex_table").ifPresent(p -> checkSorted(p, sortRelative(p, 12, 2,
                (x, y) -> Long.compareUnsigned(x[0], y[0]), e -> e)));
        section("__mcount_loc").ifPresent(p -> checkSorted(p, sortMcount(p)));
        section("__jump_table").ifPresent(p -> checkSorted(p, sortJumpTable(p)));
        section(".static_call_sites").ifPresent(p -> checkSorted(p, sortRelative(p, 8, 2,
                (x, y) -> Long.compareUnsigned(x[1] & ~3L, y[1] & ~3L), this::staticCallInit)));
        Optional<PlacedSection> ip = section(".orc_unwind_ip");
        Optional<PlacedSection> orc = section(".orc_unwind");
        if (ip.isPresent() && orc.isPresent()) {
            sortOrc(ip.get(), orc.get());
        }
    }

    private void checkSorted(PlacedSection p, byte[] expected) {
        if (Arrays.equals(expected, realBytes(p.address(), (int) p.size()))) {
            mark(p.address(), p.size(), Kind.SORTED_TABLE);
        }
    }

    /** An entry's fields, each an absolute address (relative fields) or a value (the rest). */
    private interface Adjust {
        long[] apply(long[] entry);
    }

    /**
     * A table of {@code entry}-byte entries whose first {@code relative} s32 fields are offsets
     * from themselves and whose other s32 fields are values: decoded to absolute values, sorted
     * with Linux's heapsort, adjusted, re-encoded at their new slots.
     */
    private byte[] sortRelative(PlacedSection p, int entry, int relative, LinuxSort.Comparator<long[]> cmp,
            Adjust adjust) {
        ByteBuffer b = ours(p);
        int fields = entry / 4;
        List<long[]> entries = new ArrayList<>();
        for (int at = 0; at + entry <= p.size(); at += entry) {
            long[] e = new long[fields];
            for (int f = 0; f < fields; f++) {
                int v = b.getInt(at + 4 * f);
                e[f] = f < relative ? p.address() + at + 4 * f + v : v;
            }
            entries.add(e);
        }
        List<long[]> sorted = LinuxSort.sort(entries, cmp);
        ByteBuffer out = ByteBuffer.allocate((int) p.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < sorted.size(); i++) {
            long[] e = adjust.apply(sorted.get(i));
            int at = i * entry;
            for (int f = 0; f < fields; f++) {
                out.putInt(at + 4 * f, (int) (f < relative ? e[f] - (p.address() + at + 4 * f) : e[f]));
            }
        }
        return out.array();
    }

    /** static_call_set_init(): a site in init memory gets STATIC_CALL_SITE_INIT (2) in its key. */
    private long[] staticCallInit(long[] e) {
        if (inInit(e[0])) {
            e = e.clone();
            e[1] |= 2;
        }
        return e;
    }

    /** within_module_init(): in the init region. */
    private boolean inInit(long address) {
        return Long.compareUnsigned(address - sim.image().plan().initBase(), sim.image().plan().initSize()) < 0;
    }

    private byte[] sortMcount(PlacedSection p) {
        ByteBuffer b = ours(p);
        int w = wide ? 8 : 4;
        List<Long> sites = new ArrayList<>();
        for (int at = 0; at + w <= p.size(); at += w) {
            sites.add(wide ? b.getLong(at) : b.getInt(at) & 0xffffffffL);
        }
        List<Long> sorted = LinuxSort.sort(sites, Long::compareUnsigned);
        ByteBuffer out = ByteBuffer.allocate((int) p.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < sorted.size(); i++) {
            if (wide) {
                out.putLong(i * w, sorted.get(i));
            } else {
                out.putInt(i * w, (int) (long) sorted.get(i));
            }
        }
        return out.array();
    }

    /**
     * {@code struct jump_entry { s32 code; s32 target; long key; }}, all relative, the key's low
     * bits flags: sorted by key then code, entries whose code is in init flagged (2).
     */
    private byte[] sortJumpTable(PlacedSection p) {
        ByteBuffer b = ours(p);
        int entry = wide ? 16 : 12;
        List<long[]> entries = new ArrayList<>();
        for (int at = 0; at + entry <= p.size(); at += entry) {
            long keyField = wide ? b.getLong(at + 8) : b.getInt(at + 8);
            long flags = keyField & 3;
            entries.add(new long[] {p.address() + at + b.getInt(at), p.address() + at + 4 + b.getInt(at + 4),
                p.address() + at + 8 + (keyField & ~3L), flags});
        }
        List<long[]> sorted = LinuxSort.sort(entries, (x, y) -> {
            int c = Long.compareUnsigned(x[2], y[2]);
            return c != 0 ? c : Long.compareUnsigned(x[0], y[0]);
        });
        ByteBuffer out = ByteBuffer.allocate((int) p.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < sorted.size(); i++) {
            long[] e = sorted.get(i);
            int at = i * entry;
            long here = p.address() + at;
            long flags = (e[3] & ~2L) | (inInit(e[0]) ? 2 : 0);
            out.putInt(at, (int) (e[0] - here));
            out.putInt(at + 4, (int) (e[1] - here - 4));
            long key = e[2] - here - 8 + flags;
            if (wide) {
                out.putLong(at + 8, key);
            } else {
                out.putInt(at + 8, (int) key);
            }
        }
        return out.array();
    }

    /**
     * unwind_module_init(): {@code .orc_unwind_ip} (s32 offsets) sorted by address with the
     * 6-byte {@code .orc_unwind} entries moving along; at one address an undefined, non-end
     * entry (a section terminator) sorts first.
     */
    private void sortOrc(PlacedSection ip, PlacedSection orc) {
        ByteBuffer ips = ours(ip);
        ByteBuffer entries = ours(orc);
        int n = (int) (ip.size() / 4);
        if (orc.size() != 6L * n) {
            return;
        }
        List<long[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long abs = ip.address() + 4L * i + ips.getInt(4 * i);
            long raw = 0;
            for (int j = 0; j < 6; j++) {
                raw |= (entries.get(6 * i + j) & 0xffL) << (8 * j);
            }
            rows.add(new long[] {abs, raw});
        }
        List<long[]> sorted = LinuxSort.sort(rows, (x, y) -> {
            int c = Long.compareUnsigned(x[0], y[0]);
            if (c != 0) {
                return c;
            }
            long spReg = (x[1] >>> 32) & 0xf;
            long end = (x[1] >>> 42) & 1;
            return spReg == 0 && end == 0 ? -1 : 1;
        });
        ByteBuffer outIp = ByteBuffer.allocate((int) ip.size()).order(ByteOrder.LITTLE_ENDIAN);
        byte[] outOrc = new byte[(int) orc.size()];
        for (int i = 0; i < n; i++) {
            long[] r = sorted.get(i);
            outIp.putInt(4 * i, (int) (r[0] - (ip.address() + 4L * i)));
            for (int j = 0; j < 6; j++) {
                outOrc[6 * i + j] = (byte) (r[1] >>> (8 * j));
            }
        }
        if (Arrays.equals(outIp.array(), realBytes(ip.address(), (int) ip.size()))
                && Arrays.equals(outOrc, realBytes(orc.address(), (int) orc.size()))) {
            mark(ip.address(), ip.size(), Kind.SORTED_TABLE);
            mark(orc.address(), orc.size(), Kind.SORTED_TABLE);
        }
    }
}
