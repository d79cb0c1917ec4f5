package org.modload.arch.ia64;

import java.nio.ByteOrder;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.diag.RelocationException;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.reloc.Bits;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Fixups;
import org.modload.loader.spi.FunctionDescriptor;
import org.modload.loader.spi.LinkageTables;
import org.modload.loader.spi.Placement;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.RelocationSite;
import org.modload.loader.spi.ResolvedValue;
import org.modload.loader.spi.TablePlan;

/**
 * ia64 (EM_IA_64) as Linux's {@code arch/ia64/kernel/module.c} loads it. Each type's value
 * formula ({@code r_type >> 3}) is computed apart from its target format ({@code r_type & 7},
 * overridden by the PCREL21B/21M/21F/60B types), then written into a data word or an instruction
 * slot (bundle = P &amp; ~0xf, slot = P &amp; 3). GOT entries, function descriptors (in an
 * {@code .opd} of our own) and PLT entries (one table for core, one for init) are counted before
 * layout, sized exactly once the layout is known ({@link #refineTables}) and filled while
 * relocating; {@code __gp} is placed as Linux places it.
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
 * from the resolver ({@link ResolvedValue#descriptor()}), refusing the call, located, when it
 * is not given.
 */
public final class Ia64Architecture implements Architecture {
    /** SHF_IA_64_SHORT: small data, laid out last so that gp reaches it (Linux's ARCH_SHF_SMALL). */
    static final long SHF_IA_64_SHORT = 0x10000000L;

    private final PltTemplate template;

    /** The architecture with Linux's default PLT entries, which use {@code brl}. */
    public Ia64Architecture() {
        this(true);
    }

    /**
     * @param brl whether PLT entries may use {@code brl} (two bundles); false gives the
     *     three-bundle entries of Linux's {@code CONFIG_ITANIUM}, for cores without it
     */
    public Ia64Architecture(boolean brl) {
        this.template = brl ? PltTemplate.BRL : PltTemplate.NO_BRL;
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
    @Override public org.modload.loader.spi.KernelSupport kernelSupport() { return Ia64KernelSupport.INSTANCE; }

    @Override
    public Optional<RelocationType> relocationType(int rType) {
        return Ia64Relocation.of(rType).map(r -> r);
    }

    @Override
    public void checkObject(ElfFile obj, Profile profile) {
        Fixups.refuseRelSections(obj, machine(), "ia64", "REL relocs in section %d unsupported");
    }

    @Override
    public long implicitAddend(RelocationSite site) {
        throw Fixups.unsupported(site, "SHT_REL entry " + relocationName(site.entry().type()));
    }

    /** Linux's counts, as an upper bound: distance-dependent entries are assumed needed. */
    @Override
    public TablePlan planTables(ElfFile obj, Profile profile) {
        return TableNeeds.count(obj, Optional.empty()).plan(template);
    }

    /** The exact counts under {@code trial}: relaxable LTOFF22X and reaching PCREL21B need nothing. */
    @Override
    public TablePlan refineTables(ElfFile obj, Profile profile, TablePlan plan, Placement trial) {
        return TableNeeds.count(obj, Optional.of(trial)).plan(template);
    }

    @Override
    public LinkageTables bindTables(ElfFile obj, Profile profile, TablePlan plan, Placement placement) {
        TableNeeds needs = TableNeeds.count(obj, Optional.of(placement));
        return new Ia64Tables(obj, placement, template, needs, needs.plan(template).equals(plan));
    }

    /**
     * Whether the type is applied at all in {@code profile}, before its value and place are
     * looked at. KERNEL: what Linux's {@code do_reloc()} writes; it refuses R_IA64_NONE
     * ("unknown reloc 0": no formula is numbered 0), LTV (it BUG()s), TLS, COPY and the
     * formats it leaves to "ld -r" or to big-endian kernels. PERMISSIVE also takes NONE, LTV
     * (as S + A) and every format.
     */
    static boolean applies(Ia64Relocation type, Profile profile) {
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
    public void apply(RelocationSite site, ResolvedValue v, LinkageTables linkage, Profile profile) {
        int number = site.entry().type();
        Ia64Relocation type = Ia64Relocation.of(number)
                .orElseThrow(() -> Fixups.unsupported(site, relocationName(number)));
        ValueFormula formula = ValueFormula.of(number).orElse(null);
        TargetFormat format = format(type);
        if (!applies(type, profile)) {
            throw Fixups.unsupported(site, type.name());
        }
        if (type == Ia64Relocation.R_IA64_NONE) {
            return;
        }
        if (!(linkage instanceof Ia64Tables tables)) {
            throw new IllegalArgumentException("ia64 relocations need the tables of bindTables(), not " + linkage);
        }
        Placement placement = tables.placement();
        Target target = Target.of(site.symbol(), v.addend(), i -> placement.sectionAddress(i).isPresent());
        boolean init = TableNeeds.isInit(site.target().name());
        long s = v.symbolValue();
        long p = site.place();
        long bundle = p & ~0xfL;
        long val = s + v.addend();
        String name = type.name();
        switch (formula) {
            case DIRECT, SEGREL, LTV -> {
                // Linux chooses 0 as the segment base of modules: @segrel is S + A.
            }
            case GPREL -> val -= tables.gp();
            case LTREL -> val = tables.ltoff(site, target.key(), val);
            case PLTREL -> val = plt(site, tables, target, val, v, init);
            case FPTR -> val = tables.fdesc(site, target.key(), val, target.internal());
            case LTREL_FPTR -> val = target.internal()
                    ? tables.ltoff(site, target.fdescKey(), tables.fdesc(site, target.key(), val, true))
                    : tables.ltoff(site, target.key(), val);
            case SECREL -> val -= p - site.offset();
            case BDREL -> val -= tables.inInit(val) ? placement.initBase() : placement.coreBase();
            case PCREL -> {
                switch (type) {
                    case R_IA64_PCREL32MSB, R_IA64_PCREL32LSB, R_IA64_PCREL64MSB, R_IA64_PCREL64LSB -> val -= p;
                    case R_IA64_PCREL21B -> {
                        if (!target.internal()) {
                            val = plt(site, tables, target, val, v, init);
                        } else if (tables.inInitSection(target) != init && !TableNeeds.inReach21(val, p)) {
                            // Init may lie far from core: go through a descriptor and a PLT entry.
                            long d = tables.fdesc(site, target.key(), val, true);
                            val = tables.plt(site, name, target.fdescKey(), d, Optional.empty(), init);
                        }
                        val -= bundle;
                    }
                    default -> val -= bundle;
                }
            }
            case PCREL2 -> {
                if (type == Ia64Relocation.R_IA64_PCREL21BI && !target.internal()) {
                    throw RelocationException.of(site.location(), RelocationException.Reason.INVALID, name,
                            site.symbolName(), OptionalLong.of(val), "reloc against non-local symbol (0x"
                                    + Long.toHexString(val) + ")");
                }
                val -= bundle;
            }
            case SPECIAL -> {
                switch (type) {
                    case R_IA64_IPLTMSB, R_IA64_IPLTLSB -> {
                        long entry = plt(site, tables, target, val, v, init);
                        val = tables.pltDescriptor(site, TableNeeds.pltKey(init, target), entry);
                    }
                    case R_IA64_SUB -> val = v.addend() - s;
                    case R_IA64_LTOFF22X -> val = relaxed(tables, target, val) ? val - tables.gp()
                            : tables.ltoff(site, target.key(), val);
                    case R_IA64_LDXMOV -> {
                        if (relaxed(tables, target, val)) {
                            // Turn "ld8 r1 = [r3]" into "mov r1 = r3" (Linux's patch: opcode 8, r2 = r0).
                            int at = bundleIndex(site, name);
                            int slot = slot(site, name);
                            Bundles.patch(site.memory(), at, slot, 0x1fff80fe000L, 0x10000000000L);
                        }
                        return;
                    }
                    default -> throw Fixups.unsupported(site, name);
                }
            }
            default -> throw Fixups.unsupported(site, name);
        }
        write(site, name, format, val);
    }

    /** LTOFF22X and LDXMOV are relaxed for a module address within gp reach (external ones keep their GOT entry). */
    private static boolean relaxed(Ia64Tables tables, Target target, long value) {
        return target.internal() && TableNeeds.gpAddressable(value, tables.gp());
    }

    private long plt(RelocationSite site, Ia64Tables tables, Target target, long value, ResolvedValue v, boolean init) {
        if (target.internal()) {
            throw RelocationException.of(site.location(), RelocationException.Reason.INVALID,
                    relocationName(site.entry().type()), site.symbolName(), OptionalLong.of(value),
                    "a PLT entry for module address 0x" + Long.toHexString(value)
                            + " would read its code as a function descriptor (Linux's get_plt)");
        }
        Optional<FunctionDescriptor> known = v.addend() == 0 ? v.descriptor() : Optional.empty();
        return tables.plt(site, relocationName(site.entry().type()), target.key(), value, known, init);
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
            case WORD32LSB -> site.write(4, val, name);
            case WORD64LSB -> site.write(8, val, name);
            case WORD32MSB -> site.write(4, Integer.reverseBytes((int) val), name);
            case WORD64MSB -> site.write(8, Long.reverseBytes(val), name);
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
