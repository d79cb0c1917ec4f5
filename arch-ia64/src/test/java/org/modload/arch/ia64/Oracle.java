package org.modload.arch.ia64;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.elf.Relocation;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.SectionType;
import org.modload.loader.elf.Symbol;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.spi.FunctionDescriptor;
import org.modload.loader.testing.LdDifferential;

/**
 * The ia64 differential oracle. GNU ld links the object at the engine's section addresses with
 * the engine's {@code __gp} ({@code --defsym}); then every relocation site is checked:
 * <ul>
 * <li>sites whose meaning is the same for ld and a module loader (direct, gp-relative,
 *     pc-relative with a direct target, section-relative within the symbol's section, data
 *     words) must hold ld's bits; so must every byte that no relocation patches;</li>
 * <li>GOT, descriptor and PLT sites are decoded and followed: gp + imm22 reaches a GOT entry
 *     holding S + A, a branch reaches S + A or a PLT entry whose movl/brl carry the callee's gp
 *     and entry, an @fptr value is a descriptor {ip, gp};</li>
 * <li>what ld means differently (segrel, Linux's secrel of another section, BD-relative, SUB)
 *     is checked against Linux's formula.</li>
 * </ul>
 * The result counts the sites verified per family.
 */
final class Oracle {
    /** One check's outcome: sites verified per family, and what failed. */
    record Report(Map<String, Integer> verified, List<String> failures, int bytesCompared) {
        int total() {
            return verified.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private final ElfFile obj;
    private final LoadedImage image;
    private final Map<String, SymbolDefinition> defs;
    private final PltTemplate template;
    private final ImageMemory mem;
    private final long gp;
    private final Map<String, Integer> verified = new TreeMap<>();
    private final List<String> failures = new ArrayList<>();

    Oracle(ElfFile obj, LoadedImage image, Map<String, SymbolDefinition> defs, PltTemplate template) {
        this.obj = obj;
        this.image = image;
        this.defs = defs;
        this.template = template;
        this.mem = new ImageMemory(image);
        this.gp = image.archSymbols().get("__gp");
    }

    /**
     * Checks every site against Linux's formulas and by decoding, without ld (for the types
     * binutils does not link, such as R_IA64_SUB).
     */
    Report checkWithoutLd() {
        for (RelocationSection rs : obj.relocationSections()) {
            PlacedSection target = image.plan().section(rs.target().index()).orElse(null);
            if (target != null) {
                rs.entries().forEach(r -> site(rs, target, r, null));
            }
        }
        return new Report(Map.copyOf(verified), List.copyOf(failures), 0);
    }

    /** Runs ld and checks every site; {@code work} is a scratch directory of this check's own. */
    Report check(Path object, Path work) {
        Map<String, Long> layout = new LinkedHashMap<>();
        for (PlacedSection p : image.plan().placed()) {
            if (!p.isTable()) {
                layout.put(p.name(), p.address());
            }
        }
        Map<String, Long> symbols = new LinkedHashMap<>();
        defs.forEach((n, d) -> symbols.put(n, d.address()));
        symbols.put("__gp", gp);
        LdDifferential.LdImage ld = LdDifferential.forMachine(Machine.EM_IA_64).link(object, obj, layout, symbols,
                work);
        if (ld.failure() != null) {
            failures.add(ld.failure());
            return new Report(Map.copyOf(verified), List.copyOf(failures), 0);
        }
        // Fields that ld fills differently by design are masked from the byte comparison.
        Map<Integer, boolean[]> masked = new LinkedHashMap<>();
        for (RelocationSection rs : obj.relocationSections()) {
            PlacedSection target = image.plan().section(rs.target().index()).orElse(null);
            if (target == null) {
                continue;
            }
            boolean[] mask = masked.computeIfAbsent(target.sectionIndex(), i -> new boolean[(int) target.size()]);
            for (Relocation r : rs.entries()) {
                boolean same = site(rs, target, r, ld);
                if (!same) {
                    Ia64Relocation type = Ia64Relocation.of(r.type()).orElseThrow();
                    TargetFormat f = Formats.of(type);
                    int from = f.instruction() || type == Ia64Relocation.R_IA64_LDXMOV ? (int) (r.offset() & ~0xfL)
                            : (int) r.offset();
                    int width = f.instruction() || type == Ia64Relocation.R_IA64_LDXMOV ? 16 : f.bytes();
                    for (int i = from; i < from + width && i < mask.length; i++) {
                        mask[i] = true;
                    }
                }
            }
        }
        int bytes = 0;
        for (PlacedSection p : image.plan().placed()) {
            if (p.isTable() || p.size() == 0) {
                continue;
            }
            Section theirs = ld.section(p.sectionIndex()).orElse(null);
            if (theirs == null) {
                failures.add(p.name() + ": missing from ld's output");
                continue;
            }
            ByteBuffer ours = image.bytes(p);
            boolean nobits = theirs.type().equals(SectionType.SHT_NOBITS);
            boolean[] mask = masked.getOrDefault(p.sectionIndex(), new boolean[(int) p.size()]);
            for (int i = 0; i < p.size(); i++) {
                if (mask[i]) {
                    continue;
                }
                byte expected = nobits ? 0 : theirs.bytes().get(i);
                if (ours.get(i) != expected) {
                    failures.add(String.format("%s+0x%x: engine %02x, ld %02x (unpatched byte)", p.name(), i,
                            ours.get(i), expected));
                    break;
                }
                bytes++;
            }
        }
        return new Report(Map.copyOf(verified), List.copyOf(failures), bytes);
    }

    private void ok(String family) {
        verified.merge(family, 1, Integer::sum);
    }

    private void fail(String where, String what) {
        failures.add(where + ": " + what);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /**
     * Checks one site; returns whether it was compared with ld (and so must not be masked).
     */
    private boolean site(RelocationSection rs, PlacedSection target, Relocation r, LdDifferential.LdImage ld) {
        Ia64Relocation type = Ia64Relocation.of(r.type()).orElseThrow();
        Symbol sym = obj.symbols().get(r.symbol());
        long s = image.symbols().value(r.symbol());
        long a = r.addend().orElseThrow();
        long sa = s + a;
        long p = target.address() + r.offset();
        long bundle = p & ~0xfL;
        boolean internal = sym.isInSection() && image.plan().section(sym.shndx()).isPresent();
        boolean init = rs.target().name().startsWith(".init");
        String where = rs.target().name() + "+" + hex(r.offset()) + " " + type.name() + " " + sym.name();
        TargetFormat format = Formats.of(type);
        long v = value(format, p, target, r);
        switch (type) {
            case R_IA64_IMM22, R_IA64_IMM64, R_IA64_DIR32LSB, R_IA64_DIR64LSB -> {
                expect(where, format, v, sa);
                return same(where, "direct", format, target, r, ld);
            }
            case R_IA64_GPREL22, R_IA64_GPREL64I, R_IA64_GPREL32LSB, R_IA64_GPREL64LSB -> {
                expect(where, format, v, sa - gp);
                return same(where, "gprel", format, target, r, ld);
            }
            case R_IA64_PCREL60B -> {
                expect(where, format, v, sa - bundle);
                if (ld == null) {
                    ok("pcrel (formula)");
                    return false;
                }
                ByteBuffer lds = ld.section(target.sectionIndex()).orElseThrow().bytes();
                if (Bundles.template(lds, (int) (r.offset() & ~0xfL)) != Bundles.template(image.bytes(target),
                        (int) (r.offset() & ~0xfL))) {
                    // ld turns a brl whose target a br reaches into a br bundle; a loader keeps it.
                    ok("pcrel60b (ld relaxed it to br)");
                    return false;
                }
                return same(where, "pcrel", format, target, r, ld);
            }
            case R_IA64_PCREL22, R_IA64_PCREL64I -> {
                expect(where, format, v, sa - bundle);
                return same(where, "pcrel", format, target, r, ld);
            }
            case R_IA64_PCREL32LSB, R_IA64_PCREL64LSB -> {
                expect(where, format, v, sa - p);
                return same(where, "pcrel", format, target, r, ld);
            }
            case R_IA64_SECREL32LSB, R_IA64_SECREL64LSB -> {
                expect(where, format, v, sa - target.address());
                if (sym.isInSection() && sym.shndx() == rs.target().index()) {
                    return same(where, "secrel", format, target, r, ld);
                }
                ok("secrel (Linux: patched section's base)");
                return false;
            }
            case R_IA64_SEGREL32LSB, R_IA64_SEGREL64LSB -> {
                expect(where, format, v, sa);
                ok("segrel (base 0)");
                return false;
            }
            case R_IA64_REL32LSB, R_IA64_REL64LSB -> {
                long base = Long.compareUnsigned(sa - image.plan().initBase(), image.plan().initSize()) < 0
                        ? image.plan().initBase() : image.plan().coreBase();
                expect(where, format, v, sa - base);
                ok("bdrel");
                return false;
            }
            case R_IA64_SUB -> {
                expect(where, format, v, a - s);
                ok("sub");
                return false;
            }
            case R_IA64_PCREL21BI -> {
                expect(where, format, v, sa - bundle);
                ok("pcrel21bi");
                return false;
            }
            case R_IA64_PCREL21B -> {
                long to = bundle + v;
                if (to == sa && internal) {
                    return same(where, "pcrel21b direct", format, target, r, ld);
                }
                FunctionDescriptor d = internal ? new FunctionDescriptor(sa, gp) : descriptor(where, sym, sa);
                if (d != null && plt(where, init, to, d)) {
                    ok("pcrel21b via PLT");
                }
                return false;
            }
            case R_IA64_LTOFF22, R_IA64_LTOFF64I -> {
                if (got(where, v, sa)) {
                    ok("ltoff (GOT)");
                }
                return false;
            }
            case R_IA64_LTOFF22X -> {
                if (internal && LinuxGp.addressable(sa, gp)) {
                    if (gp + v == sa) {
                        ok("ltoff22x relaxed to gprel");
                    } else {
                        fail(where, "relaxed: gp + " + v + " is not S + A = " + hex(sa));
                    }
                } else if (got(where, v, sa)) {
                    ok("ltoff22x (GOT)");
                }
                return false;
            }
            case R_IA64_LDXMOV -> {
                long insn = mem.slot(p);
                boolean relaxed = internal && LinuxGp.addressable(sa, gp);
                int opcode = Bundles.opcode(insn);
                if (relaxed && opcode == 8 && ((insn >>> 13) & 0x7f) == 0) {
                    ok("ldxmov (ld8 -> mov)");
                } else if (!relaxed && opcode == 4) {
                    ok("ldxmov (ld8 kept)");
                } else {
                    fail(where, "opcode " + opcode + " in slot, relaxed " + relaxed);
                }
                return false;
            }
            case R_IA64_LTOFF_FPTR22, R_IA64_LTOFF_FPTR64I, R_IA64_LTOFF_FPTR32LSB, R_IA64_LTOFF_FPTR64LSB -> {
                long off = format == TargetFormat.WORD32LSB ? (int) v : v;
                long entry = gp + off;
                if (!mem.inTable(".got", entry, 8)) {
                    fail(where, "gp + " + off + " is not in .got");
                    return false;
                }
                if (fptr(where, mem.read8(entry), sa, internal, false)) {
                    ok("ltoff_fptr (GOT -> descriptor)");
                }
                return false;
            }
            case R_IA64_FPTR64I, R_IA64_FPTR32LSB, R_IA64_FPTR64LSB -> {
                if (fptr(where, v, sa, internal, format == TargetFormat.WORD32LSB)) {
                    ok("fptr (descriptor)");
                }
                return false;
            }
            case R_IA64_PLTOFF64I, R_IA64_PLTOFF64LSB -> {
                FunctionDescriptor d = descriptor(where, sym, sa);
                if (d != null && plt(where, init, v, d)) {
                    ok("pltoff (PLT entry)");
                }
                return false;
            }
            case R_IA64_IPLTLSB -> {
                FunctionDescriptor d = descriptor(where, sym, sa);
                if (!mem.inTable(".opd", v, 16)) {
                    fail(where, hex(v) + " is not a descriptor of .opd");
                } else if (mem.read8(v + 8) != gp) {
                    fail(where, "descriptor gp " + hex(mem.read8(v + 8)) + " is not __gp");
                } else if (d != null && plt(where, init, mem.read8(v), d)) {
                    ok("iplt (descriptor -> PLT entry)");
                }
                return false;
            }
            default -> {
                fail(where, "no check for this type");
                return false;
            }
        }
    }

    /** The value the site holds, decoded (branch displacements in bytes, from the bundle). */
    private long value(TargetFormat format, long p, PlacedSection target, Relocation r) {
        ByteBuffer b = image.bytes(target);
        int off = (int) r.offset();
        return switch (format) {
            case WORD32LSB -> b.getInt(off) & 0xffffffffL;
            case WORD64LSB -> b.getLong(off);
            case INSN22 -> Bundles.decodeImm22(mem.slot(p));
            case INSN14 -> Bundles.decodeImm14(mem.slot(p));
            case INSN21B -> 16 * Bundles.decodeImm21b(mem.slot(p));
            case INSN64 -> Bundles.imm64(mem.bundle(p & ~0xfL), 0);
            case INSN60 -> 16 * Bundles.imm60(mem.bundle(p & ~0xfL), 0);
            default -> 0;
        };
    }

    private void expect(String where, TargetFormat format, long actual, long expected) {
        long e = format == TargetFormat.WORD32LSB ? expected & 0xffffffffL : expected;
        if (actual != e) {
            fail(where, "holds " + hex(actual) + ", Linux's formula gives " + hex(e));
        }
    }

    /** Compares the site's field with ld's bits; counts it under {@code family}. */
    private boolean same(String where, String family, TargetFormat format, PlacedSection target, Relocation r,
            LdDifferential.LdImage ld) {
        if (ld == null) {
            ok(family + " (formula)");
            return false;
        }
        Section theirs = ld.section(target.sectionIndex()).orElse(null);
        if (theirs == null) {
            fail(where, "section missing from ld's output");
            return true;
        }
        ByteBuffer ours = image.bytes(target);
        ByteBuffer lds = theirs.bytes().order(ours.order());
        int off = (int) r.offset();
        boolean equal;
        if (format.instruction()) {
            int at = off & ~0xf;
            int slot = off & 3;
            equal = Bundles.slot(ours, at, slot) == Bundles.slot(lds, at, slot);
            if (format == TargetFormat.INSN64 || format == TargetFormat.INSN60) {
                equal &= Bundles.slot(ours, at, 2) == Bundles.slot(lds, at, 2)
                        && Bundles.slot(ours, at, 1) == Bundles.slot(lds, at, 1);
            }
        } else {
            equal = true;
            for (int i = 0; i < format.bytes(); i++) {
                equal &= ours.get(off + i) == lds.get(off + i);
            }
        }
        if (equal) {
            ok(family + " (= ld)");
        } else {
            fail(where, "differs from ld");
        }
        return true;
    }

    /** The descriptor the resolver gave for an external function (A must be 0). */
    private FunctionDescriptor descriptor(String where, Symbol sym, long sa) {
        SymbolDefinition d = defs.get(sym.name());
        if (d == null || d.descriptor().isEmpty() || d.address() != sa) {
            fail(where, "no descriptor known for " + hex(sa));
            return null;
        }
        return d.descriptor().get();
    }

    /** Whether {@code to} is a PLT entry of the site's region that loads d.gp and jumps to d.ip. */
    private boolean plt(String where, boolean init, long to, FunctionDescriptor d) {
        String table = init ? ".init.plt" : ".core.plt";
        if (!mem.inTable(table, to, template.size())) {
            fail(where, hex(to) + " is not an entry of " + table);
            return false;
        }
        long[] e = mem.pltEntry(template, to);
        if (e[0] != d.ip() || e[1] != d.gp()) {
            fail(where, "PLT entry jumps to " + hex(e[0]) + " with gp " + hex(e[1]) + ", descriptor says "
                    + hex(d.ip()) + ", " + hex(d.gp()));
            return false;
        }
        return true;
    }

    /** Whether gp + {@code off} is a GOT entry holding {@code sa}. */
    private boolean got(String where, long off, long sa) {
        long entry = gp + off;
        if (!mem.inTable(".got", entry, 8)) {
            fail(where, "gp + " + off + " is not in .got");
            return false;
        }
        if (mem.read8(entry) != sa) {
            fail(where, "GOT entry holds " + hex(mem.read8(entry)) + ", not S + A = " + hex(sa));
            return false;
        }
        return true;
    }

    /** Whether {@code v} is @fptr(S + A): a descriptor {S + A, gp} of .opd, or S + A itself outside. */
    private boolean fptr(String where, long v, long sa, boolean internal, boolean low32) {
        if (!internal) {
            if (v != (low32 ? sa & 0xffffffffL : sa)) {
                fail(where, "@fptr of an external holds " + hex(v) + ", not S + A");
                return false;
            }
            return true;
        }
        long opd = image.plan().table(".opd").orElseThrow().address();
        long d = low32 ? (opd & ~0xffffffffL) | v : v;
        if (!mem.inTable(".opd", d, 16) || mem.read8(d) != sa || mem.read8(d + 8) != gp) {
            fail(where, hex(d) + " is not a descriptor {" + hex(sa) + ", __gp}");
            return false;
        }
        return true;
    }
}
