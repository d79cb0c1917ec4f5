package org.modload.loader.testing.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.modload.loader.testing.ExternalTools;

/**
 * The executable pieces of a linked image decoded by objdump, an independent decoder
 * ({@code objdump -D -b binary -m MACHINE --adjust-vma=ADDR}), each piece once, on first use.
 */
public final class Disassembly {
    /** {@code   40001000:\t48 8b 05 10 00 00 00 \tmov    0x10(%rip),%rax        # 0x40001017} */
    private static final Pattern LINE = Pattern.compile(
            "\\s*([0-9a-f]+):\\t((?:[0-9a-f]{2} )*[0-9a-f]{2})\\s*\\t(\\S+)\\s*([^#]*?)\\s*(?:#\\s*(0x[0-9a-f]+).*)?");
    private static final Set<String> PREFIXES = Set.of("addr32", "bnd", "notrack", "data16", "cs", "ds");

    private final Path objdump;
    private final Abi abi;
    private final LinkedImage image;
    private final Path work;
    private final Map<Long, NavigableMap<Long, Instruction>> decoded = new ConcurrentHashMap<>();

    /** objdump for {@code image}; fails (CI) or skips when binutils is missing. */
    public Disassembly(Abi abi, LinkedImage image, Path work) {
        this.objdump = ExternalTools.require("objdump", "binutils");
        this.abi = abi;
        this.image = image;
        this.work = work;
    }

    /** The instruction that contains {@code address}, if it lies in an executable piece. */
    public Optional<Instruction> containing(long address) {
        return piece(address).map(m -> m.floorEntry(address)).map(Map.Entry::getValue)
                .filter(i -> address < i.end());
    }

    /** The instruction that starts exactly at {@code address}. */
    public Optional<Instruction> startingAt(long address) {
        return piece(address).map(m -> m.get(address));
    }

    /** The instruction just after {@code i}. */
    public Optional<Instruction> next(Instruction i) {
        return startingAt(i.end());
    }

    /** The instruction just before {@code i}. */
    public Optional<Instruction> previous(Instruction i) {
        return piece(i.address()).map(m -> m.lowerEntry(i.address())).map(Map.Entry::getValue)
                .filter(p -> p.end() == i.address());
    }

    private Optional<NavigableMap<Long, Instruction>> piece(long address) {
        Optional<LinkedImage.Piece> p = image.pieceAt(address).filter(x -> x.protection().executable());
        return p.map(x -> decoded.computeIfAbsent(x.address(), a -> decode(x)));
    }

    private NavigableMap<Long, Instruction> decode(LinkedImage.Piece p) {
        try {
            Path bin = Files.createTempFile(work, "piece", ".bin");
            Files.write(bin, p.bytes());
            List<String> cmd = List.of(objdump.toString(), "-D", "-b", "binary", "-m", abi.objdumpMachine(),
                    "--insn-width=16", String.format("--adjust-vma=0x%x", p.address()), bin.toString());
            Command c = Command.run(cmd, work);
            if (!c.ok()) {
                throw new AssertionError(c.describe(cmd));
            }
            return parse(c.stdout());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static NavigableMap<Long, Instruction> parse(String listing) {
        NavigableMap<Long, Instruction> out = new TreeMap<>();
        for (String line : listing.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            long address = Long.parseUnsignedLong(m.group(1), 16);
            int length = (m.group(2).length() + 1) / 3;
            String mnemonic = m.group(3);
            String operands = m.group(4).strip();
            // Prefixes print as words before the mnemonic: "addr32 call 0x...", "bnd jmp *...".
            while (PREFIXES.contains(mnemonic) && !operands.isEmpty()) {
                int sp = operands.indexOf(' ');
                mnemonic = sp < 0 ? operands : operands.substring(0, sp);
                operands = sp < 0 ? "" : operands.substring(sp).strip();
            }
            OptionalLong rip = m.group(5) == null ? OptionalLong.empty()
                    : OptionalLong.of(Long.parseUnsignedLong(m.group(5).substring(2), 16));
            out.put(address, new Instruction(address, length, mnemonic, operands, rip));
        }
        return out;
    }
}
