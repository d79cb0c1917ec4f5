package org.modload.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.SectionType;
import org.modload.loader.elf.Symbol;

/**
 * Reads what the loader needs before layout: the appended signature's extent (stripped before
 * the ELF checks, as module_sig_check does), {@code .modinfo} and {@code __versions}.
 */
final class ModuleReader {
    static final byte[] SIGNATURE_MAGIC = "~Module signature appended~\n".getBytes(StandardCharsets.US_ASCII);
    /** sizeof(struct module_signature). */
    private static final int SIGNATURE_INFO = 12;

    private ModuleReader() {
    }

    /** The module bytes without an appended signature; the same buffer when unsigned. */
    static ByteBuffer withoutSignature(String file, ByteBuffer bytes) {
        int n = bytes.remaining();
        if (!endsWith(bytes, SIGNATURE_MAGIC)) {
            return bytes;
        }
        int info = n - SIGNATURE_MAGIC.length - SIGNATURE_INFO;
        if (info < 0) {
            throw new KernelException(Errno.ENOEXEC, LoadPhase.SIGNATURE, file,
                    file + ": signature marker without room for its module_signature header");
        }
        long sigLen = bytes.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(bytes.position() + info + 8) & 0xffffffffL;
        if (sigLen > info) {
            throw new KernelException(Errno.ENOEXEC, LoadPhase.SIGNATURE, file, String.format(
                    "%s: signature length %d at offset 0x%x exceeds the %d bytes before it", file, sigLen, info + 8, info));
        }
        ByteBuffer b = bytes.duplicate();
        b.limit(b.position() + info - (int) sigLen);
        return b.slice();
    }

    static boolean isSigned(ByteBuffer bytes) {
        return endsWith(bytes, SIGNATURE_MAGIC);
    }

    private static boolean endsWith(ByteBuffer b, byte[] suffix) {
        int n = b.remaining();
        if (n < suffix.length) {
            return false;
        }
        int at = b.position() + n - suffix.length;
        for (int i = 0; i < suffix.length; i++) {
            if (b.get(at + i) != suffix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The facts of a parsed module. */
    static ModuleFacts facts(String file, ElfFile obj, boolean signed) {
        Map<String, List<String>> info = modinfo(obj);
        String name = first(info, "name").orElseGet(() -> stripKo(file));
        String license = first(info, "license").orElse("");
        List<String> depends = new ArrayList<>();
        for (String d : first(info, "depends").orElse("").split(",")) {
            if (!d.isEmpty()) {
                depends.add(d.replace('-', '_')); // file names in depends, module names use '_'

            }
        }
        boolean hasInit = false;
        boolean hasExit = false;
        for (Symbol s : obj.symbols()) {
            if (!s.isUndefined() && s.name().equals("init_module")) {
                hasInit = true;
            } else if (!s.isUndefined() && s.name().equals("cleanup_module")) {
                hasExit = true;
            }
        }
        return new ModuleFacts(name, license, first(info, "vermagic"), depends,
                info.getOrDefault("import_ns", List.of()), versions(obj), hasInit, hasExit, signed,
                info.containsKey("intree"));
    }

    private static Optional<String> first(Map<String, List<String>> info, String key) {
        List<String> v = info.get(key);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    static String stripKo(String file) {
        String base = file.substring(file.lastIndexOf('/') + 1);
        return base.endsWith(".ko") ? base.substring(0, base.length() - 3) : base;
    }

    /** {@code .modinfo}'s NUL-separated {@code key=value} strings. */
    private static Map<String, List<String>> modinfo(ElfFile obj) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Optional<Section> s = obj.section(".modinfo");
        if (s.isEmpty() || s.get().type().equals(SectionType.SHT_NOBITS)) {
            return out;
        }
        ByteBuffer b = s.get().bytes();
        int start = 0;
        for (int i = 0; i <= b.remaining(); i++) {
            if (i == b.remaining() || b.get(i) == 0) {
                if (i > start) {
                    byte[] raw = new byte[i - start];
                    b.get(start, raw);
                    String entry = new String(raw, StandardCharsets.UTF_8);
                    int eq = entry.indexOf('=');
                    if (eq > 0) {
                        out.computeIfAbsent(entry.substring(0, eq), k -> new ArrayList<>()).add(entry.substring(eq + 1));
                    }
                }
                start = i + 1;
            }
        }
        return out;
    }

    /** {@code __versions}: {@code struct modversion_info { unsigned long crc; char name[64 - sizeof(long)]; }}. */
    private static Map<String, Long> versions(ElfFile obj) {
        Map<String, Long> out = new LinkedHashMap<>();
        Optional<Section> s = obj.section("__versions");
        if (s.isEmpty() || s.get().type().equals(SectionType.SHT_NOBITS)) {
            return out;
        }
        int word = obj.elfClass().equals(ElfClass.ELFCLASS64) ? 8 : 4;
        ByteBuffer b = s.get().bytes().order(obj.data().order());
        for (int at = 0; at + 64 <= b.remaining(); at += 64) {
            long crc = word == 8 ? b.getLong(at) : b.getInt(at) & 0xffffffffL;
            int end = at + word;
            while (end < at + 64 && b.get(end) != 0) {
                end++;
            }
            byte[] raw = new byte[end - at - word];
            b.get(at + word, raw);
            out.putIfAbsent(new String(raw, StandardCharsets.UTF_8), crc & 0xffffffffL);
        }
        return out;
    }
}
