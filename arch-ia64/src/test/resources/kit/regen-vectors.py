#!/usr/bin/env python3
"""Regenerates vectors.txt, the ia64 vectors of the conformance kit.

Each vector is one relocation in a section pinned at a known address. Its expected value is the
psABI's calculation (binutils' include/elf/ia64.h comments, Linux's arch/ia64/kernel/module.c),
computed here; the expected instruction bytes are GNU as's own encoding of the same instruction
with that value as its immediate (or, for branches and checks, with a local target at that
distance, which as resolves itself); data words are packed here. Nothing is taken from modload.
Run from anywhere; needs ia64-linux-gnu-as and -objcopy (binutils-ia64-linux-gnu). Deterministic.
"""
import os
import struct
import subprocess
import sys
import tempfile

AS = "ia64-linux-gnu-as"
OBJCOPY = "ia64-linux-gnu-objcopy"
M = 1 << 64

T = 0xA000000200000000  # every section is pinned here (16 KiB aligned)
# Tables are pinned below T + 0x4000 or empty, so the core region (empty) starts on the first 16 KiB
# page above the pinned pieces, T + 0x4000, with size 0: Linux's gp = core base + core size / 2.
GP = T + 0x4000
BD = GP  # the core region's base: S + A - BD for the REL types
GOT = T + 0x1000
OPD = T + 0x2000
PLT = T + 0x3000
EXT = 0xA000000100001000  # a kernel address outside the module
FN = (0xA000000100003000, 0xA000000100100000, 0xA000000100400000)  # a kernel function: descriptor, ip, gp

TEMPLATES = {
    # name: (bundle, slot of the relocation); {V} is the immediate, {T} the branch target
    "addl": ("{{ .mii\n addl r8 = {V}, r1\n nop.i 0\n nop.i 0 ;;\n}}", 0),
    "adds": ("{{ .mii\n adds r8 = {V}, r1\n nop.i 0\n nop.i 0 ;;\n}}", 0),
    "movl": ("{{ .mlx\n nop.m 0\n movl r8 = {V} ;;\n}}", 1),
    "br": ("{{ .mib\n nop.m 0\n nop.i 0\n br.call.sptk.many b0 = {T} ;;\n}}", 2),
    "brl": ("{{ .mlx\n nop.m 0\n brl.call.sptk.many b0 = {T} ;;\n}}", 1),
    "chk": ("{{ .mii\n chk.s.m r8, {T}\n nop.i 0\n nop.i 0 ;;\n}}", 0),
    "fchkf": ("{{ .mfi\n nop.m 0\n fchkf.s0 {T}\n nop.i 0 ;;\n}}", 1),
    "ld8": ("{{ .mii\n ld8 r8 = [r8]\n nop.i 0\n nop.i 0 ;;\n}}", 0),
    # What Linux's LDXMOV patch makes of "ld8 r8 = [r8]": opcode 8, r2 = r0 (add r8 = r0, r8).
    "ld8-relaxed": ("{{ .mii\n add r8 = r0, r8\n nop.i 0\n nop.i 0 ;;\n}}", 0),
}
NOP = "{ .mii\n nop.m 0\n nop.i 0\n nop.i 0 ;;\n}"


def assemble(body):
    with tempfile.TemporaryDirectory() as d:
        src, obj, out = (os.path.join(d, n) for n in ("v.s", "v.o", "v.bin"))
        with open(src, "w") as f:
            f.write("\t.text\n" + body + "\n")
        # as warns about the one-line "{ .mii" form and register dependencies; neither matters here.
        subprocess.run([AS, "-o", obj, src], check=True, capture_output=True)
        subprocess.run([OBJCOPY, "-O", "binary", "-j", ".text", obj, out], check=True)
        with open(out, "rb") as f:
            return f.read()


def instruction(name, value=None, distance=None, bundles=1):
    """The bytes of `bundles` bundles: the template's, then nops; a branch reaches `distance` bytes on."""
    t = TEMPLATES[name][0]
    if distance is not None:
        total = max(bundles, distance // 16 + 1)
        parts = [t.format(T="tgt")]
        for i in range(1, total):
            if i * 16 == distance:
                parts.append("tgt:")
            parts.append(NOP)
        if distance >= 16 * total:
            parts += [" .skip %d" % (distance - 16 * total), "tgt:", NOP]
        return assemble("\n".join(parts))[: 16 * bundles]
    body = t.format(V=value if value is not None else 0, T="ext")
    return assemble(body + "\n" + "\n".join([NOP] * (bundles - 1)))


def slot(name):
    return TEMPLATES[name][1]


def le(v, width):
    return (v % (1 << (8 * width))).to_bytes(width, "little").hex()


def be(v, width):
    return (v % (1 << (8 * width))).to_bytes(width, "big").hex()


def s64(v):
    v %= M
    return v - M if v >= 1 << 63 else v


def num(v):
    return hex(v % M) if v >= 0 or v % M > 0xFFFFFFFF else str(v)


LINES = []


def comment(text):
    LINES.append("# " + text)


def vector(kind, rtype, profile, section, address, before, offset, symbol, addend=0, pins=(), expect=None, tables=(),
           error=None):
    words = [kind, rtype, profile, "section=%s@%#x" % (section, address), "bytes=" + before.hex()
             if isinstance(before, bytes) else "bytes=" + before]
    if offset:
        words.append("offset=%#x" % offset)
    words.append(symbol)
    words.append("addend=%d" % addend)
    words += ["pin=%s@%#x" % p for p in pins]
    if kind == "pass":
        words.append("expect=" + (expect.hex() if isinstance(expect, bytes) else expect))
        words += ["table=%s@%s" % t for t in tables]
    else:
        words.append("error=" + error[0])
        if len(error) > 1:
            words.append("value=%d" % error[1])
            words.append("range=%d..%d" % (error[2], error[3]))
    LINES.append(" ".join(words))


def ext(name="x", s=EXT, fn=False):
    return "ext=%s:%#x" % (name, s) if not fn else "ext=%s:%#x:%#x:%#x" % (name, FN[0], FN[1], FN[2])


def profiles(kernel):
    return "KERNEL" if kernel else "PERMISSIVE"


def imm(rtype, kernel, tmpl, value, symbol, addend=0, pins=(), tables=(), comment_text=None):
    """A pass vector of an instruction immediate, and its out-of-section fail vector."""
    if comment_text:
        comment(comment_text)
    p = profiles(kernel)
    vector("pass", rtype, p, ".text", T, instruction(tmpl), slot(tmpl), symbol, addend, pins,
           instruction(tmpl, s64(value)), tables)
    out_of_section(rtype, p, tmpl, symbol, addend, pins)


def out_of_section(rtype, p, tmpl, symbol, addend=0, pins=()):
    # An 8-byte section holds half a bundle: the bundle of the relocation's slot does not fit.
    vector("fail", rtype, p, ".text", T, instruction(tmpl)[:8], slot(tmpl), symbol, addend, pins,
           error=("PLACE_OUT_OF_SECTION",))


def data(rtype, kernel, width, msb, value, symbol, addend=0, pins=(), tables=(), comment_text=None):
    if comment_text:
        comment(comment_text)
    p = profiles(kernel)
    pack = be if msb else le
    vector("pass", rtype, p, ".data", T, "00" * width, 0, symbol, addend, pins, pack(value, width), tables)
    vector("fail", rtype, p, ".data", T, "00" * (width // 2), 0, symbol, addend, pins,
           error=("PLACE_OUT_OF_SECTION",))


def words(base, kernel_lsb, value, symbol, addend=0, pins=(), tables=(), widths=(32, 64), comment_text=None):
    """The LSB rows (KERNEL when Linux applies them) and the MSB rows (PERMISSIVE only) of one family."""
    if comment_text:
        comment(comment_text)
    for w in widths:
        v = value(w) if callable(value) else value
        data("R_IA64_%s%dLSB" % (base, w), kernel_lsb, w // 8, False, v, symbol, addend, pins, tables)
        data("R_IA64_%s%dMSB" % (base, w), False, w // 8, True, v, symbol, addend, pins, tables)


def main():
    comment("GENERATED by regen-vectors.py from the psABI's calculations, with GNU as encoding the instructions:")
    comment("do not edit; edit the script and run it. T = %#x: every section is pinned there; tables are" % T)
    comment("pinned at T + 0x1000 (.got), T + 0x2000 (.opd), T + 0x3000 (.core.plt), or empty, so that")
    comment("gp = T + 0x4000 (the empty core region's base, Linux's core base + core size / 2). P is the bundle")
    comment("for instruction fields. A fail vector whose section holds half a bundle is refused, located.")

    comment("NONE writes nothing (PERMISSIVE; Linux refuses it).")
    vector("pass", "R_IA64_NONE", "PERMISSIVE", ".data", T, "1122334455667788", 0, ext(), 0,
           expect="1122334455667788")

    imm("R_IA64_IMM14", False, "adds", 0x1234, "abs=c:0x1000", 0x234, comment_text="IMM14: S + A; 2^13 is one past.")
    vector("fail", "R_IA64_IMM14", "PERMISSIVE", ".text", T, instruction("adds"), 0, "abs=c:0x2000", 0,
           error=("OUT_OF_RANGE", 8192, -8192, 8191))
    imm("R_IA64_IMM22", True, "addl", 0x12345, "abs=c:0x12000", 0x345, comment_text="IMM22: S + A; 2^21 is one past.")
    vector("fail", "R_IA64_IMM22", "KERNEL", ".text", T, instruction("addl"), 0, "abs=c:0x200000", 0,
           error=("OUT_OF_RANGE", 1 << 21, -(1 << 21), (1 << 21) - 1))
    imm("R_IA64_IMM64", True, "movl", EXT + 0x10, ext(), 0x10, comment_text="IMM64: S + A in a movl; a long instruction"
        " has no slot 0.")
    vector("fail", "R_IA64_IMM64", "KERNEL", ".text", T, instruction("movl"), 0, ext(), 0x10, error=("INVALID",))

    imm("R_IA64_GPREL22", True, "addl", 0x1008, ext("x", GP + 0x1000), 8,
        comment_text="GPREL22 and GPREL64I: S + A - gp; 2^21 is one past.")
    vector("fail", "R_IA64_GPREL22", "KERNEL", ".text", T, instruction("addl"), 0, ext("x", GP + (1 << 21)), 0,
           error=("OUT_OF_RANGE", 1 << 21, -(1 << 21), (1 << 21) - 1))
    imm("R_IA64_GPREL64I", True, "movl", EXT - GP, ext(), 0)

    got_s = le(EXT, 8)
    imm("R_IA64_LTOFF22", True, "addl", GOT - GP, ext(), 0, [(".got", GOT)], [(".got", got_s)],
        comment_text="LTOFF22, LTOFF64I: the GOT entry (at T + 0x1000, holding S + A) - gp; LTOFF22 of an entry"
                     " 2^21 + 8 below gp is out of range.")
    vector("fail", "R_IA64_LTOFF22", "KERNEL", ".text", T, instruction("addl"), 0, ext(), 0,
           [(".got", GP - (1 << 21) - 8)], error=("OUT_OF_RANGE", -(1 << 21) - 8, -(1 << 21), (1 << 21) - 1))
    imm("R_IA64_LTOFF64I", True, "movl", GOT - GP, ext(), 0, [(".got", GOT)], [(".got", got_s)])

    comment("PLTOFF22: the address of the PLT entry of a kernel function (Linux's get_plt); an IMM22 holds it only"
            " below 2 MiB: .text at 0x100000, the PLT at 0x101000, or at 0x200000 (one past).")
    vector("pass", "R_IA64_PLTOFF22", "KERNEL", ".text", 0x100000, instruction("addl"), 0, ext(fn=True), 0,
           [(".core.plt", 0x101000)], instruction("addl", 0x101000))
    vector("fail", "R_IA64_PLTOFF22", "KERNEL", ".text", 0x100000, instruction("addl"), 0, ext(fn=True), 0,
           [(".core.plt", 0x200000)], error=("OUT_OF_RANGE", 1 << 21, -(1 << 21), (1 << 21) - 1))
    imm("R_IA64_PLTOFF64I", True, "movl", PLT, ext(fn=True), 0, [(".core.plt", PLT)],
        comment_text="PLTOFF64I: the PLT entry's address (T + 0x3000).")
    imm("R_IA64_FPTR64I", True, "movl", FN[0], ext(fn=True), 0,
        comment_text="FPTR64I: a kernel function's address is its descriptor already: S + A.")

    comment("PCREL60B (brl), PCREL21B (br.call), PCREL21BI, PCREL21M (chk.s.m), PCREL21F (fchkf) to a function of the"
            " section 0x20 on: S + A - P = 0x20 (as encodes the branch to a local label there).")
    for rtype, tmpl, kernel in (("R_IA64_PCREL60B", "brl", True), ("R_IA64_PCREL21B", "br", True),
                                ("R_IA64_PCREL21BI", "br", True), ("R_IA64_PCREL21M", "chk", False),
                                ("R_IA64_PCREL21F", "fchkf", False)):
        vector("pass", rtype, profiles(kernel), ".text", T, instruction(tmpl, bundles=3), slot(tmpl),
               "def=tgt:0x20", 0, expect=instruction(tmpl, distance=0x20, bundles=3))
    comment("PCREL60B has no slot 0; PCREL21BI refuses a symbol outside the module (Linux: \"reloc against non-local"
            " symbol\"); 21M and 21F past their section; PCREL21B to a kernel function through its PLT entry at"
            " T + 0x1000 (0x1000 - 0), and 2^24 away is 16 (one bundle) past its range.")
    vector("fail", "R_IA64_PCREL60B", "KERNEL", ".text", T, instruction("brl", bundles=3), 0, "def=tgt:0x20", 0,
           error=("INVALID",))
    vector("fail", "R_IA64_PCREL21BI", "KERNEL", ".text", T, instruction("br"), slot("br"), ext(), 0,
           error=("INVALID",))
    out_of_section("R_IA64_PCREL21M", "PERMISSIVE", "chk", "def=tgt:0")
    out_of_section("R_IA64_PCREL21F", "PERMISSIVE", "fchkf", "def=tgt:0")
    vector("pass", "R_IA64_PCREL21B", "KERNEL", ".text", T, instruction("br"), slot("br"), ext(fn=True), 0,
           [(".core.plt", T + 0x1000)], instruction("br", distance=0x1000))
    vector("fail", "R_IA64_PCREL21B", "KERNEL", ".text", T, instruction("br"), slot("br"), ext(fn=True), 0,
           [(".core.plt", T + (1 << 24))], error=("OUT_OF_RANGE", 1 << 24, -(1 << 24), (1 << 24) - 16))

    imm("R_IA64_LTOFF_FPTR22", True, "addl", GOT - GP, ext(fn=True), 0, [(".got", GOT)], [(".got", le(FN[0], 8))],
        comment_text="LTOFF_FPTR22, 64I: of a kernel function, the GOT entry holding its descriptor's address, - gp.")
    imm("R_IA64_LTOFF_FPTR64I", True, "movl", GOT - GP, ext(fn=True), 0, [(".got", GOT)], [(".got", le(FN[0], 8))])

    imm("R_IA64_PCREL22", True, "addl", 0x1000, ext("x", T + 0x1000), 0,
        comment_text="PCREL22, PCREL64I: S + A - P; PCREL22 2^21 away is one past.")
    vector("fail", "R_IA64_PCREL22", "KERNEL", ".text", T, instruction("addl"), 0, ext("x", T + (1 << 21)), 0,
           error=("OUT_OF_RANGE", 1 << 21, -(1 << 21), (1 << 21) - 1))
    imm("R_IA64_PCREL64I", True, "movl", EXT - T, ext(), 0)
    imm("R_IA64_SUB", True, "movl", 0x3000 - 0x1000, ext("x", 0x1000), 0x3000, comment_text="SUB: A - S in a movl.")

    comment("LTOFF22X of a module address within gp reach is relaxed to GPREL22 (S + A - gp = 0x20 - 0x4000), its"
            " LDXMOV's ld8 becomes a mov; of a kernel address both keep the GOT entry (T + 0x1000 - gp) and the ld8.")
    vector("pass", "R_IA64_LTOFF22X", "KERNEL", ".text", T, instruction("addl", bundles=3), 0, "def=x:0x20", 0,
           expect=instruction("addl", 0x20 - 0x4000) + instruction("addl", bundles=3)[16:])
    vector("pass", "R_IA64_LTOFF22X", "KERNEL", ".text", T, instruction("addl"), 0, ext(), 0, [(".got", GOT)],
           instruction("addl", GOT - GP), [(".got", got_s)])
    out_of_section("R_IA64_LTOFF22X", "KERNEL", "addl", ext(), 0, [(".got", GOT)])
    vector("pass", "R_IA64_LDXMOV", "KERNEL", ".text", T, instruction("ld8", bundles=3), 0, "def=x:0x20", 0,
           expect=instruction("ld8-relaxed") + instruction("ld8", bundles=3)[16:])
    vector("pass", "R_IA64_LDXMOV", "KERNEL", ".text", T, instruction("ld8"), 0, ext(), 0,
           expect=instruction("ld8"))
    vector("fail", "R_IA64_LDXMOV", "KERNEL", ".text", T, instruction("ld8")[:8], 0, "def=x:0", 0,
           error=("PLACE_OUT_OF_SECTION",))

    # Data words. Linux writes the LSB forms; PERMISSIVE also the MSB ones (big-endian stores).
    words("DIR", True, 0x12345688, ext("x", 0x12345678), 0x10, comment_text="DIR: S + A.")
    comment("GPREL: S + A - gp (0x1000 for S = gp + 0x1000).")
    for w in (32, 64):
        data("R_IA64_GPREL%dLSB" % w, True, w // 8, False, 0x1000, ext("x", GP + 0x1000), 0)
        data("R_IA64_GPREL%dMSB" % w, False, w // 8, True, 0x1000, ext("x", GP + 0x1000), 0)
    comment("PLTOFF64: the PLT entry's address (T + 0x3000).")
    data("R_IA64_PLTOFF64LSB", True, 8, False, PLT, ext(fn=True), 0, [(".core.plt", PLT)])
    data("R_IA64_PLTOFF64MSB", False, 8, True, PLT, ext(fn=True), 0, [(".core.plt", PLT)])
    words("FPTR", True, FN[0], ext(fn=True), 0, comment_text="FPTR: a kernel function's descriptor is S itself"
          " (32-bit words keep the low half).")
    comment("FPTR of a module function: a descriptor {S + A, gp} of our own, at T + 0x2000.")
    data("R_IA64_FPTR64LSB", True, 8, False, OPD, "def=fn:0", 0, [(".opd", OPD)], [(".opd", le(T, 8) + le(GP, 8))])
    words("PCREL", True, EXT + 8 - T, ext(), 8, comment_text="PCREL: S + A - P (P = T).")
    words("LTOFF_FPTR", True, GOT - GP, ext(fn=True), 0, [(".got", GOT)], [(".got", le(FN[0], 8))],
          comment_text="LTOFF_FPTR: the GOT entry holding a kernel function's descriptor address, - gp.")
    words("SEGREL", True, EXT + 8, ext(), 8, comment_text="SEGREL: S + A (Linux's segment base is 0).")
    words("SECREL", True, 0x108, ext("x", T + 0x100), 8,
          comment_text="SECREL: S + A - the patched section's address (T), as Linux computes it.")
    words("REL", True, 0x1008, ext("x", BD + 0x1000), 8,
          comment_text="REL: S + A - BD, the base of the core region S + A lies in (T + 0x4000).")
    comment("LTV: S + A (PERMISSIVE only: Linux BUG()s on them).")
    for w in (32, 64):
        for msb in (False, True):
            data("R_IA64_LTV%d%s" % (w, "MSB" if msb else "LSB"), False, w // 8, msb, 0x12345688,
                 ext("x", 0x12345678), 0x10)
    comment("IPLT of a kernel function: a descriptor of our own (T + 0x2000) whose ip is the function's PLT entry"
            " (T + 0x3000) and whose gp is the module's.")
    for msb in (False, True):
        data("R_IA64_IPLT%s" % ("MSB" if msb else "LSB"), not msb, 8, msb, OPD, ext(fn=True), 0,
             [(".opd", OPD), (".core.plt", PLT)], [(".opd", le(PLT, 8) + le(GP, 8))])

    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors.txt")
    with open(out, "w") as f:
        f.write("\n".join(LINES) + "\n")
    print("%s: %d vectors" % (out, sum(1 for l in LINES if not l.startswith("#"))), file=sys.stderr)


if __name__ == "__main__":
    main()
