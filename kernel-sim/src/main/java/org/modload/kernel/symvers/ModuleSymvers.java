package org.modload.kernel.symvers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.modload.kernel.diag.SymversFormatException;

/**
 * A parsed {@code Module.symvers}, as the kernel build (modpost) writes it: one tab-separated
 * line per exported symbol, {@code 0xCRC<TAB>name<TAB>module<TAB>EXPORT_SYMBOL[_GPL]<TAB>namespace}
 * (Linux 5.10 and later; the four-field form of older kernels, without a namespace, is accepted
 * too). Immutable.
 */
public final class ModuleSymvers {

    /** The {@code module} field of the symbols the kernel image itself exports. */
    public static final String VMLINUX = "vmlinux";

    private final String name;
    private final List<SymversEntry> entries;
    private final Map<String, SymversEntry> byName;

    private ModuleSymvers(String name, List<SymversEntry> entries) {
        this.name = name;
        this.entries = List.copyOf(entries);
        Map<String, SymversEntry> map = new LinkedHashMap<>();
        for (SymversEntry e : this.entries) {
            map.putIfAbsent(e.name(), e);
        }
        this.byName = Collections.unmodifiableMap(map);
    }

    /**
     * Reads and checks a {@code Module.symvers} file; messages name it as given.
     *
     * @throws IOException if the file cannot be read
     * @throws SymversFormatException at the first malformed line
     */
    public static ModuleSymvers read(Path file) throws IOException {
        return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * Parses the text of a {@code Module.symvers}. Blank lines are skipped; every other line must
     * have four or five tab-separated fields: a {@code 0x}-prefixed hexadecimal CRC of at most 32
     * bits, a non-empty symbol name, a non-empty module, one of {@code EXPORT_SYMBOL},
     * {@code EXPORT_SYMBOL_GPL}, {@code EXPORT_SYMBOL_GPL_FUTURE}, {@code EXPORT_UNUSED_SYMBOL},
     * {@code EXPORT_UNUSED_SYMBOL_GPL}, and optionally a namespace (possibly empty).
     *
     * @param name the file name used in messages
     * @throws SymversFormatException at the first malformed line
     */
    public static ModuleSymvers parse(String name, String text) {
        Objects.requireNonNull(name, "name");
        List<SymversEntry> entries = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            entries.add(parseLine(name, i + 1, line));
        }
        return new ModuleSymvers(name, entries);
    }

    private static SymversEntry parseLine(String file, int lineNo, String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 4 && f.length != 5) {
            throw new SymversFormatException(file, lineNo, "expected 5 tab-separated fields"
                    + " '0xCRC<TAB>name<TAB>module<TAB>EXPORT_SYMBOL[_GPL]<TAB>namespace', found " + f.length);
        }
        int crc = crc(file, lineNo, f[0]);
        if (f[1].isEmpty()) {
            throw new SymversFormatException(file, lineNo, "empty symbol name");
        }
        if (f[2].isEmpty()) {
            throw new SymversFormatException(file, lineNo, "empty module for symbol '" + f[1] + "'");
        }
        boolean gpl = switch (f[3]) {
            case "EXPORT_SYMBOL", "EXPORT_SYMBOL_GPL_FUTURE", "EXPORT_UNUSED_SYMBOL" -> false;
            case "EXPORT_SYMBOL_GPL", "EXPORT_UNUSED_SYMBOL_GPL" -> true;
            default -> throw new SymversFormatException(file, lineNo,
                    "'" + f[3] + "' is not an export type (EXPORT_SYMBOL or EXPORT_SYMBOL_GPL)");
        };
        String namespace = f.length == 5 ? f[4] : "";
        return new SymversEntry(crc, f[1], f[2], gpl, namespace);
    }

    private static int crc(String file, int lineNo, String field) {
        String digits = field.startsWith("0x") || field.startsWith("0X") ? field.substring(2) : null;
        if (digits == null || digits.isEmpty() || digits.length() > 8
                || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new SymversFormatException(file, lineNo, "'" + field + "' is not a 32-bit hexadecimal CRC (0x...)");
        }
        return Integer.parseUnsignedInt(digits, 16);
    }

    /** The file name given to {@link #read} or {@link #parse}. */
    public String name() {
        return name;
    }

    /** Every entry, in file order. */
    public List<SymversEntry> entries() {
        return entries;
    }

    /** The first entry for {@code symbol}, if any. */
    public Optional<SymversEntry> entry(String symbol) {
        return Optional.ofNullable(byName.get(symbol));
    }

    /** The entries the kernel image itself exports (module {@value #VMLINUX}), in file order. */
    public List<SymversEntry> kernelExports() {
        return entries.stream().filter(SymversEntry::isKernelExport).toList();
    }

    /** The names the kernel image itself exports, in file order. */
    public Set<String> kernelSymbolNames() {
        Set<String> names = new LinkedHashSet<>();
        for (SymversEntry e : entries) {
            if (e.isKernelExport()) {
                names.add(e.name());
            }
        }
        return Collections.unmodifiableSet(names);
    }

    @Override
    public String toString() {
        return name + " (" + entries.size() + " symbols)";
    }
}
