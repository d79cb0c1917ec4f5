package org.modload.arch.ia64;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.diag.RelocationException;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.reloc.Bits;
import org.modload.loader.reloc.Formula;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.spi.Applied;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.EntryKind;
import org.modload.loader.spi.EntryNeed;
import org.modload.loader.spi.EntryTarget;
import org.modload.loader.spi.Fixups;
import org.modload.loader.spi.KernelSupport;
import org.modload.loader.spi.Layout;
import org.modload.loader.spi.LinkSymbols;
import org.modload.loader.spi.Need;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.Reach;
import org.modload.loader.spi.Referent;
import org.modload.loader.spi.RelocationSite;

/**
 * ia64 (EM_IA_64) as Linux's {@code arch/ia64/kernel/module.c} loads it. Each row names its
 * value formula (Linux's {@code r_type >> 3}), evaluated by the core with P the bundle for
 * instruction fields; the value is then written in the row's target format ({@code r_type & 7},
 * overridden by the PCREL21B/21M/21F/60B types) into a data word or an instruction slot
 * (bundle = P &amp; ~0xf, slot = P &amp; 3). The GOT, the function descriptors of an
 * {@code .opd} of our own and the PLT entries (one table for core, one for init) are the core's
 * tables ({@link Ia64Tables}); {@link #need} is Linux's {@code count_gots}/{@code count_fdescs}/
 * {@code count_plts} and its {@code do_reloc} choices in one rule, exact once the layout is known.
 *
 * <p>KERNEL refuses what Linux refuses: SHT_REL sections, R_IA64_NONE and the unknown types,
 * the LTV and TLS families, COPY, the formats Linux does not write (MSB words, IMM14, 21M, 21F),
 * PCREL21BI against a symbol outside the module, slot 3, and every immediate out of range.
 * PERMISSIVE also writes those formats, NONE and LTV (as S + A).
 *
 * <p>Two choices Linux does not have to make, since it counts upper bounds and never checks
 * that what it allocated was used: an LTOFF22X (and its LDXMOV) of an address outside the
 * module keeps its GOT entry even if gp happens to reach that address, so that the GOT is sized
 * before symbols are resolved; and a call needing a PLT entry reads the callee's descriptor
 * from the resolver, refusing the call, located, when it is not given.
 */
public final class Ia64Architecture implements Architecture {
    /** SHF_IA_64_SHORT: small data, laid out last so that gp reaches it (Linux's ARCH_SHF_SMALL). */
    static final long SHF_IA_64_SHORT = 0x10000000L;

    private final Ia64Tables tables;

    /** The architecture with Linux's default PLT entries, which use {@code brl}. */
    public Ia64Architecture() {
        this(true);
    }

    /**
     * @param brl whether PLT entries may use {@code brl} (two bundles); false gives the
     *     three-bundle entries of Linux's {@code CONFIG_ITANIUM}, for cores without it
     */
    public Ia64Architecture(boolean brl) {
        this.tables = new Ia64Tables(brl ? PltTemplate.BRL : PltTemplate.NO_BRL);
    }

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

    /** 16 KiB, the page size of Debian's ia64 kernels. */
    @Override
    public long pageSize() {
        return 16384;
    }

    @Override
    public long smallDataFlag() {
        return SHF_IA_64_SHORT;
    }
    /** Linux's module_finalize for ia64: unwind tables per region, module functions as descriptors. */
    @Override
    public KernelSupport kernelSupport() {
        return Ia64KernelSupport.INSTANCE;
    }

    @Override
    public Optional<RelocationType> relocationType(int rType) {
        return Ia64Relocation.row(rType);
    }

    @Override
    public void checkObject(ElfFile obj, Profile profile) {
        Fixups.refuseRelSections(obj, machine(), "ia64", "REL relocs in section %d unsupported");
    }

    @Override
    public long implicitAddend(RelocationSite site) {
        throw Fixups.unsupported(site, "SHT_REL entry " + site.typeName());
    }

    /**
     * KERNEL: what Linux's {@code do_reloc()} writes; it refuses R_IA64_NONE ("unknown reloc 0":
     * no formula is numbered 0), LTV (it BUG()s), TLS, COPY and the formats it leaves to "ld -r"
     * or to big-endian kernels. PERMISSIVE also takes NONE, LTV (as S + A) and every format.
     */
    @Override
    public boolean applies(RelocationType row, Profile profile) {
        Ia64Relocation type = (Ia64Relocation) row;
        ValueFormula formula = ValueFormula.of(type.number()).orElse(null);
        if (type == Ia64Relocation.R_IA64_NONE) {
            return profile == Profile.PERMISSIVE;
        }
        if (formula == null || formula.isTls() || type == Ia64Relocation.R_IA64_COPY) {
            return false;
        }
        if (profile == Profile.PERMISSIVE) {
            return true;
        }
        return formula != ValueFormula.LTV && format(type).linux();
    }

    /** The format a type is written in: {@code r_type & 7}, or Linux's override for the type. */
    static TargetFormat format(Ia64Relocation type) {
        return switch (type) {
            case R_IA64_PCREL60B -> TargetFormat.INSN60;
            case R_IA64_PCREL21B, R_IA64_PCREL21BI -> TargetFormat.INSN21B;
            case R_IA64_PCREL21M -> TargetFormat.INSN21M;
            case R_IA64_PCREL21F -> TargetFormat.INSN21F;
            case R_IA64_IPLTLSB -> TargetFormat.WORD64LSB;
            case R_IA64_IPLTMSB -> TargetFormat.WORD64MSB;
            case R_IA64_SUB -> TargetFormat.INSN64;
            case R_IA64_LTOFF22X -> TargetFormat.INSN22;
            case R_IA64_LDXMOV -> TargetFormat.NONE;
            default -> TargetFormat.ofLowBits(type.number());
        };
    }

    @Override
    public List<EntryKind> entryKinds(Profile profile) {
        return tables.kinds();
    }

    @Override
    public List<String> linkSymbolNames(Profile profile) {
        return List.of(LinkSymbols.GP);
    }

    /** {@code __gp}, placed as Linux places it. */
    @Override
    public Map<String, Long> linkSymbols(Layout layout, Profile profile) {
        return Map.of(LinkSymbols.GP, Ia64Tables.gp(layout.coreBase(), layout.coreSize()));
    }

    /** P is the bundle for instruction fields, the place itself for data words (Linux's {@code bundle(location)}). */
    @Override
    public long place(RelocationSite site, RelocationType row) {
        return format((Ia64Relocation) row).instruction() ? site.place() & ~0xfL : site.place();
    }

    /**
     * The one table rule. Before layout, a need that depends on distances is assumed (an
     * LTOFF22X of a module address may be within gp reach and need no GOT entry; a PCREL21B
     * between core and init may reach without a PLT entry); given a layout it is decided.
     */
    @Override
    public Need need(RelocationSite site, Profile profile, Reach reach) {
        Ia64Relocation type = (Ia64Relocation) site.type();
        boolean internal = site.referent().internal();
        boolean init = Ia64Tables.isInit(site.target().name());
        return switch (type) {
            case R_IA64_LTOFF22, R_IA64_LTOFF64I -> tables.got(EntryTarget.SYMBOL_PLUS_ADDEND);
            case R_IA64_LTOFF22X -> relaxable(site, reach) ? Need.Relaxed.as(Ia64Relocation.R_IA64_GPREL22)
                    : tables.got(EntryTarget.SYMBOL_PLUS_ADDEND);
            case R_IA64_LDXMOV -> relaxable(site, reach) ? Need.Relaxed.as(Ia64Relocation.R_IA64_LDXMOV) : Need.NONE;
            case R_IA64_LTOFF_FPTR22, R_IA64_LTOFF_FPTR64I, R_IA64_LTOFF_FPTR32MSB, R_IA64_LTOFF_FPTR32LSB,
                    R_IA64_LTOFF_FPTR64MSB, R_IA64_LTOFF_FPTR64LSB -> internal ? tables.got(tables.descriptor())
                    : tables.got(EntryTarget.SYMBOL_PLUS_ADDEND);
            case R_IA64_FPTR64I, R_IA64_FPTR32MSB, R_IA64_FPTR32LSB, R_IA64_FPTR64MSB, R_IA64_FPTR64LSB ->
                    internal ? tables.descriptor() : Need.NONE;
            case R_IA64_PCREL21B -> {
                if (!internal) {
                    yield tables.plt(init, EntryTarget.SYMBOL_PLUS_ADDEND);
                }
                Referent.Internal in = (Referent.Internal) site.referent();
                boolean crossing = Ia64Tables.isInit(in.section().name()) != init;
                long a = site.entry().addend().orElse(0);
                // Init may lie far from core: go through a descriptor and a PLT entry.
                yield crossing && !inReach21(reach.place(), reach.target(a)) ? tables.plt(init, tables.descriptor())
                        : Need.NONE;
            }
            case R_IA64_PLTOFF22, R_IA64_PLTOFF64I, R_IA64_PLTOFF64MSB, R_IA64_PLTOFF64LSB ->
                    internal ? Need.NONE : tables.plt(init, EntryTarget.SYMBOL_PLUS_ADDEND);
            case R_IA64_IPLTMSB, R_IA64_IPLTLSB -> internal ? Need.NONE
                    : EntryNeed.of(tables.opd(), tables.plt(init, EntryTarget.SYMBOL_PLUS_ADDEND));
            default -> Need.NONE;
        };
    }

    /**
     * LTOFF22X and LDXMOV are relaxed for a module address within gp reach (Linux's
     * gp_addressable); external ones keep their GOT entry so that the GOT is sized before
     * symbols are resolved.
     */
    private static boolean relaxable(RelocationSite site, Reach reach) {
        if (!site.referent().internal() || reach.gp().isEmpty()) {
            return false;
        }
        OptionalLong target = reach.target(site.entry().addend().orElse(0));
        return target.isPresent() && Ia64Tables.gpAddressable(target.getAsLong(), reach.gp().getAsLong());
    }

    /** Whether a PCREL21B at {@code place} reaches {@code target} directly (Linux's check, in bundles). */
    private static boolean inReach21(OptionalLong place, OptionalLong target) {
        if (place.isEmpty() || target.isEmpty()) {
            return false;
        }
        long delta = (target.getAsLong() - place.getAsLong()) / 16;
        return Long.compareUnsigned(delta + (1L << 20), 1L << 21) < 0;
    }

    @Override
    public void write(RelocationSite site, Applied applied, Profile profile) {
        Ia64Relocation type = (Ia64Relocation) site.type();
        String name = type.name();
        if (type == Ia64Relocation.R_IA64_NONE) {
            return;
        }
        if (type == Ia64Relocation.R_IA64_LDXMOV) {
            if (applied.relaxed()) {
                // Turn "ld8 r1 = [r3]" into "mov r1 = r3" (Linux's patch: opcode 8, r2 = r0).
                int at = bundleIndex(site, name);
                int slot = slot(site, name);
                Bundles.patch(site.memory(), at, slot, 0x1fff80fe000L, 0x10000000000L);
            }
            return;
        }
        Formula f = type.formula();
        boolean internal = site.referent().internal();
        if ((f == Formula.PLTOFF || type == Ia64Relocation.R_IA64_IPLTMSB || type == Ia64Relocation.R_IA64_IPLTLSB)
                && internal) {
            long value = applied.operands().s() + applied.operands().a();
            throw RelocationException.of(site.location(), RelocationException.Reason.INVALID, name, site.symbolName(),
                    OptionalLong.of(value), "a PLT entry for module address 0x" + Long.toHexString(value)
                            + " would read its code as a function descriptor (Linux's get_plt)");
        }
        if (type == Ia64Relocation.R_IA64_PCREL21BI && !internal) {
            long value = applied.operands().s() + applied.operands().a();
            throw RelocationException.of(site.location(), RelocationException.Reason.INVALID, name,
                    site.symbolName(), OptionalLong.of(value), "reloc against non-local symbol (0x"
                            + Long.toHexString(value) + ")");
        }
        write(site, name, format((Ia64Relocation) applied.row()), applied.value());
    }

    /** The index in the section's memory of the bundle holding the place; checked to lie inside. */
    private static int bundleIndex(RelocationSite site, String typeName) {
        long at = site.offset() - (site.place() & 0xf);
        if (at < 0 || at + Bundles.SIZE > site.memory().capacity()) {
            throw RelocationException.of(site.location(), RelocationException.Reason.PLACE_OUT_OF_SECTION, typeName,
                    site.symbolName(), OptionalLong.empty(), "bundle at offset 0x" + Long.toHexString(at)
                            + " does not fit in section of size 0x" + Integer.toHexString(site.memory().capacity()));
        }
        return (int) at;
    }

    /** The slot the place names (P &amp; 3); slot 3 does not exist. */
    private static int slot(RelocationSite site, String typeName) {
        int slot = (int) (site.place() & 3);
        if (slot == 3) {
            throw RelocationException.of(site.location(), RelocationException.Reason.INVALID, typeName,
                    site.symbolName(), OptionalLong.empty(), "invalid slot number 3 (a bundle has slots 0, 1 and 2)");
        }
        return slot;
    }

    /**
     * Writes {@code val} in {@code format} at the place, after checking its range (Linux's
     * apply_imm22, apply_imm21b, apply_imm60, apply_imm64 and the word stores). Writes nothing
     * when it throws.
     */
    private static void write(RelocationSite site, String name, TargetFormat format, long val) {
        switch (format) {
            case NONE -> {
            }
            case WORD32LSB -> site.write(4, val);
            case WORD64LSB -> site.write(8, val);
            case WORD32MSB -> site.write(4, Integer.reverseBytes((int) val));
            case WORD64MSB -> site.write(8, Long.reverseBytes(val));
            case INSN64, INSN60 -> {
                int at = bundleIndex(site, name);
                int slot = slot(site, name);
                if (slot == 0) {
                    throw RelocationException.of(site.location(), RelocationException.Reason.INVALID, name,
                            site.symbolName(), OptionalLong.of(val), "invalid slot number 0 for "
                                    + (format == TargetFormat.INSN64 ? "IMM64" : "IMM60")
                                    + " (a long instruction occupies slots 1 and 2)");
                }
                if (format == TargetFormat.INSN64) {
                    Bundles.putImm64(site.memory(), at, val);
                } else {
                    Bundles.putImm60(site.memory(), at, val / 16);
                }
            }
            default -> {
                int at = bundleIndex(site, name);
                int slot = slot(site, name);
                long insn = Bundles.slot(site.memory(), at, slot);
                long patched = switch (format) {
                    case INSN14 -> Bundles.imm14(insn, checked(site, name, val, 14, 1));
                    case INSN22 -> Bundles.imm22(insn, checked(site, name, val, 22, 1));
                    case INSN21B -> Bundles.imm21b(insn, checked(site, name, val, 21, 16));
                    case INSN21M -> Bundles.imm21m(insn, checked(site, name, val, 21, 16));
                    case INSN21F -> Bundles.imm21f(insn, checked(site, name, val, 21, 16));
                    default -> throw new IllegalStateException(format.name());
                };
                Bundles.setSlot(site.memory(), at, slot, patched);
            }
        }
    }

    /**
     * {@code val / unit} (C's truncating division, as Linux divides branch displacements),
     * checked to fit a signed field of {@code bits}; the error gives the value and the range in
     * bytes.
     */
    private static long checked(RelocationSite site, String name, long val, int bits, int unit) {
        long q = val / unit;
        if (!Bits.fitsSigned(q, bits)) {
            throw RelocationException.outOfRange(site.location(), name, site.symbolName(), val,
                    Bits.signedMin(bits) * unit, Bits.signedMax(bits) * unit, false);
        }
        return q;
    }
}
