package org.modload.arch.ia64;

/**
 * The field a relocation writes, read from its psABI name as binutils spells it (the suffix
 * names the field: {@code 22}, {@code 64I}, {@code 21B}, {@code 32LSB} ...) rather than from the
 * number, so that the oracle does not share the plugin's {@code r_type & 7} decoding. Linux's
 * choices where the name does not say: SUB is a movl imm64, IPLT a 64-bit word, LDXMOV nothing.
 */
final class Formats {
    private Formats() {
    }

    static TargetFormat of(Ia64Relocation type) {
        String n = type.name().substring("R_IA64_".length());
        switch (n) {
            case "LDXMOV":
                return TargetFormat.NONE;
            case "SUB":
                return TargetFormat.INSN64;
            case "IPLTLSB":
                return TargetFormat.WORD64LSB;
            case "IPLTMSB":
                return TargetFormat.WORD64MSB;
            default:
                break;
        }
        if (n.endsWith("32LSB")) {
            return TargetFormat.WORD32LSB;
        }
        if (n.endsWith("64LSB")) {
            return TargetFormat.WORD64LSB;
        }
        if (n.endsWith("32MSB")) {
            return TargetFormat.WORD32MSB;
        }
        if (n.endsWith("64MSB")) {
            return TargetFormat.WORD64MSB;
        }
        if (n.endsWith("14")) {
            return TargetFormat.INSN14;
        }
        if (n.endsWith("22") || n.endsWith("22X")) {
            return TargetFormat.INSN22;
        }
        if (n.endsWith("64I") || n.equals("IMM64")) {
            return TargetFormat.INSN64;
        }
        if (n.endsWith("21B") || n.endsWith("21BI")) {
            return TargetFormat.INSN21B;
        }
        if (n.endsWith("21M")) {
            return TargetFormat.INSN21M;
        }
        if (n.endsWith("21F")) {
            return TargetFormat.INSN21F;
        }
        if (n.endsWith("60B")) {
            return TargetFormat.INSN60;
        }
        throw new IllegalArgumentException("no field in the name " + type.name());
    }
}
