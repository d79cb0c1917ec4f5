package org.modload.arch.x86_64;

import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.reloc.Bits;
import org.modload.loader.spi.Need;
import org.modload.loader.spi.Reach;
import org.modload.loader.spi.Referent;
import org.modload.loader.spi.RelocationSite;

/**
 * GNU ld's relaxation of GOT loads ({@code elf_x86_64_convert_load_reloc}, binutils 2.40) for
 * an image linked at fixed addresses, which is what ld's {@code -no-pie} output is: the
 * instruction that reads a symbol's address from its GOT word is rewritten to produce the
 * address directly, and the site needs no GOT word. ld decides before layout and fails later
 * when the rewritten field overflows; the engine knows the addresses, so each form is used only
 * when its field fits, otherwise the next form, otherwise the GOT word is kept:
 * <ul>
 * <li>{@code call *foo@GOTPCREL(%rip)} (ff 15) becomes {@code addr32 call foo} (67 e8) and
 * {@code jmp *foo@GOTPCREL(%rip)} (ff 25) becomes {@code jmp foo; nop} (e9 .. 90, the field one
 * byte earlier): R_X86_64_PC32, GOTPCRELX and REX_GOTPCRELX only;
 * <li>{@code mov foo@GOTPCREL(%rip), %reg} (8b) becomes {@code mov $foo, %reg} (c7 /0; R_X86_64_32S
 * with REX.W, else R_X86_64_32 with W cleared; GOTPCRELX forms only), or
 * {@code lea foo(%rip), %reg} (8d; R_X86_64_PC32; also for plain GOTPCREL, "since it has been
 * done for a while");
 * <li>{@code test %reg, foo@GOTPCREL(%rip)} (85) becomes {@code test $foo, %reg} (f7 /0) and
 * {@code binop foo@GOTPCREL(%rip), %reg} (adc add and cmp or sbb sub xor) becomes
 * {@code binop $foo, %reg} (81 /digit): R_X86_64_32S with REX.W, else R_X86_64_32.
 * </ul>
 * Like ld, only sites with addend -4 are relaxed, never against a section of the large model
 * (SHF_X86_64_LARGE), and a REX prefix has its R bit moved to B when the register moves from
 * ModRM.reg to ModRM.rm. Unlike ld, which trusts the assembler, a load, test or binop is relaxed
 * only when its operand is RIP-relative (ModRM mod 00, r/m 101) and a branch only for ModRM 15/25;
 * gas emits the X types for nothing else. Where both fit, the immediate form is preferred over
 * lea, as ld prefers it for {@code -no-pie} output.
 */
final class GotRelaxation {
    private static final long SHF_X86_64_LARGE = 0x10000000L;
    private static final int REX_W = 8;
    private static final int REX_R = 4;

    private GotRelaxation() {
    }

    /**
     * The relaxation of a GOTPCREL-family site, or empty when the GOT word must stay (also
     * whenever the addresses are not known yet: the rule counts the word then).
     */
    static Optional<Need.Relaxed> decide(RelocationSite site, Reach reach) {
        X86_64Relocation type = (X86_64Relocation) site.type();
        boolean relocx = type != X86_64Relocation.R_X86_64_GOTPCREL;
        boolean rex = type == X86_64Relocation.R_X86_64_REX_GOTPCRELX;
        long roff = site.offset();
        if (site.entry().addend().orElse(0) != -4 || roff < (rex ? 3 : 2) || roff + 4 > site.memory().capacity()) {
            return Optional.empty();
        }
        if (site.referent() instanceof Referent.Internal in
                && (in.section().header().flags() & SHF_X86_64_LARGE) != 0) {
            return Optional.empty();
        }
        OptionalLong s = reach.symbol();
        OptionalLong p = reach.place();
        if (s.isEmpty() || p.isEmpty()) {
            return Optional.empty();
        }
        int opcode = (int) site.read(-2, 1);
        int modrm = (int) site.read(-1, 1);
        int prefix = rex ? (int) site.read(-3, 1) : 0;
        long pcrel = s.getAsLong() - 4 - p.getAsLong();
        long abs = s.getAsLong();
        boolean wide = (prefix & REX_W) != 0;
        if (opcode == 0xff) {
            if (!relocx || (modrm != 0x15 && modrm != 0x25) || !Bits.fitsSigned(pcrel + (modrm == 0x25 ? 1 : 0), 32)) {
                return Optional.empty();
            }
            return Optional.of(modrm == 0x25
                    ? new Need.Relaxed(X86_64Relocation.R_X86_64_PC32, OptionalLong.empty(), -1)
                    : Need.Relaxed.as(X86_64Relocation.R_X86_64_PC32));
        }
        if ((modrm & 0xc7) != 0x05) {
            return Optional.empty(); // not RIP-relative
        }
        if (opcode == 0x8b) {
            // ld: a GOTPCRELX mov of a fixed-address link becomes an immediate; plain GOTPCREL only lea.
            if (relocx) {
                Optional<Need.Relaxed> imm = immediate(abs, wide);
                if (imm.isPresent()) {
                    return imm;
                }
            }
            return Bits.fitsSigned(pcrel, 32) ? Optional.of(Need.Relaxed.as(X86_64Relocation.R_X86_64_PC32))
                    : Optional.empty();
        }
        if (relocx && (opcode == 0x85 || isBinop(opcode))) {
            return immediate(abs, wide);
        }
        return Optional.empty();
    }

    /** ld's R_X86_64_32S (REX.W: sign-extended) or R_X86_64_32 immediate of {@code value}, if it fits. */
    private static Optional<Need.Relaxed> immediate(long value, boolean wide) {
        X86_64Relocation as = wide ? X86_64Relocation.R_X86_64_32S : X86_64Relocation.R_X86_64_32;
        boolean fits = wide ? Bits.fitsSigned(value, 32) : Bits.fitsUnsigned(value, 32);
        return fits ? Optional.of(new Need.Relaxed(as, OptionalLong.of(0), 0)) : Optional.empty();
    }

    /** adc add and cmp or sbb sub xor, r32/64 from r/m: the ALU ops whose /digit is (opcode >> 3) &amp; 7. */
    private static boolean isBinop(int opcode) {
        return switch (opcode) {
            case 0x13, 0x03, 0x23, 0x3b, 0x0b, 0x1b, 0x2b, 0x33 -> true;
            default -> false;
        };
    }

    /**
     * Rewrites the instruction of a relaxed site as ld does; the caller then writes the field.
     *
     * @param as the row the site is applied as (PC32 for branches and lea, 32/32S for immediates)
     */
    static void rewrite(RelocationSite site, X86_64Relocation as) {
        int opcode = (int) site.read(-2, 1);
        int modrm = (int) site.read(-1, 1);
        if (opcode == 0xff) {
            if (modrm == 0x25) {
                site.write(-2, 1, 0xe9);
                site.write(3, 1, 0x90);
            } else {
                site.write(-2, 1, 0x67);
                site.write(-1, 1, 0xe8);
            }
            return;
        }
        boolean rex = site.type() == X86_64Relocation.R_X86_64_REX_GOTPCRELX;
        if (opcode == 0x8b && as == X86_64Relocation.R_X86_64_PC32) {
            site.write(-2, 1, 0x8d);
            return;
        }
        int reg = (modrm & 0x38) >> 3;
        int rexMask = REX_R;
        int newOpcode;
        int newModrm;
        if (opcode == 0x8b) {
            newOpcode = 0xc7;
            newModrm = 0xc0 | reg;
            if (as == X86_64Relocation.R_X86_64_32) {
                rexMask |= REX_W;
            }
        } else if (opcode == 0x85) {
            newOpcode = 0xf7;
            newModrm = 0xc0 | reg;
        } else {
            newOpcode = 0x81;
            newModrm = 0xc0 | reg | (opcode & 0x3c);
        }
        site.write(-1, 1, newModrm);
        if (rex) {
            int prefix = (int) site.read(-3, 1);
            site.write(-3, 1, (prefix & ~rexMask) | (prefix & REX_R) >> 2);
        }
        site.write(-2, 1, newOpcode);
    }
}
