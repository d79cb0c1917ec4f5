package org.modload.arch.x86_64;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.diag.RelocationException;
import org.modload.loader.reloc.Bits;
import org.modload.loader.spi.EntryKind;
import org.modload.loader.spi.EntryNeed;
import org.modload.loader.spi.EntrySlot;
import org.modload.loader.spi.EntryTarget;
import org.modload.loader.spi.FunctionDescriptor;

/**
 * The tables x86_64 builds for ordinary objects (PERMISSIVE): a GOT of 8-byte words holding S,
 * and stubs for calls whose target a rel32 cannot reach, each {@code jmp *GOT(%rip)} through
 * the target's GOT word (JITLink's form; 6 bytes, padded with int3 to 8), so that stubs and GOT
 * loads share one word per symbol.
 */
final class Tables {
    /** {@code jmp *disp32(%rip)}. */
    private static final byte[] JMP_RIP = {(byte) 0xff, 0x25};
    private static final byte INT3 = (byte) 0xcc;

    static final EntryKind GOT = new EntryKind(".got", 8, 8, false, false, EntryKind.Sharing.BY_TARGET,
            Tables::writeGot);
    static final EntryKind STUB = new EntryKind(".plt", 8, 16, true, false, EntryKind.Sharing.BY_TARGET,
            Tables::writeStub);
    static final List<EntryKind> KINDS = List.of(STUB, GOT);

    private Tables() {
    }

    /** A GOT word holding S. */
    static EntryNeed got() {
        return EntryNeed.of(GOT, EntryTarget.SYMBOL);
    }

    /** A stub jumping to S through its GOT word. */
    static EntryNeed stub() {
        return EntryNeed.of(STUB, got());
    }

    private static Optional<FunctionDescriptor> writeGot(EntrySlot slot) {
        slot.memory().putLong(slot.offset(), slot.target());
        return Optional.empty();
    }

    private static Optional<FunctionDescriptor> writeStub(EntrySlot slot) {
        long disp = slot.target() - (slot.address() + 6);
        if (!Bits.fitsSigned(disp, 32)) {
            throw RelocationException.of(slot.site().location(), RelocationException.Reason.OUT_OF_RANGE,
                    slot.site().typeName(), slot.site().symbolName(), OptionalLong.of(disp),
                    "stub at 0x" + Long.toHexString(slot.address()) + " cannot reach its GOT word at 0x"
                            + Long.toHexString(slot.target()));
        }
        int at = slot.offset();
        slot.memory().put(at, JMP_RIP, 0, JMP_RIP.length);
        slot.memory().putInt(at + 2, (int) disp);
        slot.memory().put(at + 6, INT3);
        slot.memory().put(at + 7, INT3);
        return Optional.empty();
    }
}
