package org.modload.arch.i386;

import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.spi.Need;
import org.modload.loader.spi.RelocationSite;

/**
 * GNU ld's relaxation of R_386_GOT32X ({@code elf_i386_convert_load_reloc}, binutils 2.40) for an
 * image linked at fixed addresses (ld's {@code -no-pie} output, where ld always converts to the
 * absolute forms): {@code mov foo@GOT(%reg1), %reg2} becomes {@code mov $foo, %reg2} (c7 /0),
 * {@code test} becomes {@code test $foo} (f7 /0), a binop its immediate form (81 /digit), all
 * R_386_32 with addend 0; {@code call *foo@GOT(%reg)} becomes {@code addr32 call foo} (67 e8) and
 * {@code jmp *foo@GOT(%reg)} becomes {@code jmp foo; nop} (e9 .. 90, the field one byte
 * earlier), R_386_PC32 with addend -4. 32-bit arithmetic wraps, so the rewrite never depends on
 * addresses. Like ld, only a zero in-place addend is relaxed and R_386_GOT32 never is. Unlike
 * ld, a SIB operand (ModRM r/m 100) is left alone: ld reads it as a binop and corrupts the code.
 */
final class GotRelaxation {

    private GotRelaxation() {
    }

    /** The relaxation of a GOT32X site, or empty when its GOT word must stay. */
    static Optional<Need.Relaxed> decide(RelocationSite site) {
        long roff = site.offset();
        if (roff < 2 || roff + 4 > site.memory().capacity() || site.read(4) != 0) {
            return Optional.empty();
        }
        int opcode = (int) site.read(-2, 1);
        int modrm = (int) site.read(-1, 1);
        if ((modrm & 0xc0) != 0xc0 && (modrm & 7) == 4) {
            return Optional.empty(); // a SIB byte follows
        }
        if (opcode == 0xff) {
            if (isCall(modrm)) {
                return Optional.of(new Need.Relaxed(I386Relocation.R_386_PC32, OptionalLong.of(-4), 0));
            }
            if (isJmp(modrm)) {
                return Optional.of(new Need.Relaxed(I386Relocation.R_386_PC32, OptionalLong.of(-4), -1));
            }
            return Optional.empty();
        }
        if (opcode == 0x8b || opcode == 0x85 || isBinop(opcode)) {
            return Optional.of(new Need.Relaxed(I386Relocation.R_386_32, OptionalLong.of(0), 0));
        }
        return Optional.empty();
    }

    /** ff /2 through disp32 (baseless) or disp32(%reg). */
    private static boolean isCall(int modrm) {
        return modrm == 0x15 || (modrm & 0xf8) == 0x90;
    }

    /** ff /4 through disp32 (baseless) or disp32(%reg). */
    private static boolean isJmp(int modrm) {
        return modrm == 0x25 || (modrm & 0xf8) == 0xa0;
    }

    /** adc add and cmp or sbb sub xor, r32 from r/m32. */
    private static boolean isBinop(int opcode) {
        return switch (opcode) {
            case 0x13, 0x03, 0x23, 0x3b, 0x0b, 0x1b, 0x2b, 0x33 -> true;
            default -> false;
        };
    }

    /** Rewrites the instruction of a relaxed site as ld does; the caller then writes the field. */
    static void rewrite(RelocationSite site) {
        int opcode = (int) site.read(-2, 1);
        int modrm = (int) site.read(-1, 1);
        if (opcode == 0xff) {
            if (isCall(modrm)) {
                site.write(-2, 1, 0x67);
                site.write(-1, 1, 0xe8);
            } else {
                site.write(-2, 1, 0xe9);
                site.write(3, 1, 0x90);
            }
            return;
        }
        int reg = (modrm & 0x38) >> 3;
        if (opcode == 0x8b) {
            site.write(-1, 1, 0xc0 | reg);
            site.write(-2, 1, 0xc7);
        } else if (opcode == 0x85) {
            site.write(-1, 1, 0xc0 | reg);
            site.write(-2, 1, 0xf7);
        } else {
            site.write(-1, 1, 0xc0 | reg | (opcode & 0x3c));
            site.write(-2, 1, 0x81);
        }
    }

    /**
     * Whether a GOT32/GOT32X operand has no base register (ModRM mod 00, r/m 101: disp32), so
     * that the field holds the GOT word's address (G + A) rather than its offset from GOT; ld
     * exempts lea (8d), whose operand is an offset either way.
     */
    static boolean baseless(RelocationSite site) {
        if (site.offset() < 2) {
            return false;
        }
        return (site.read(-1, 1) & 0xc7) == 0x05 && site.read(-2, 1) != 0x8d;
    }
}
