package org.modload.kernel.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;

/**
 * Facts a module loader checks modules against, read from the vmlinux itself: the
 * {@code vermagic} string (in {@code .rodata}, {@code "<release> SMP preempt mod_unload ..."})
 * and {@code sizeof(struct module)} (from the {@code .BTF} type information, when present).
 */
final class KernelFacts {
    private static final byte[] MOD_UNLOAD = "mod_unload".getBytes(StandardCharsets.US_ASCII);
    private static final int BTF_MAGIC = 0xeb9f;
    private static final int BTF_KIND_STRUCT = 4;

    private KernelFacts() {
    }

    /** The vermagic string: the first NUL-terminated string of .rodata holding {@code mod_unload} and starting with a digit. */
    static Optional<String> vermagic(ElfFile vmlinux) {
        Optional<Section> rodata = vmlinux.section(".rodata");
        if (rodata.isEmpty()) {
            return Optional.empty();
        }
        ByteBuffer b = rodata.get().bytes();
        int n = b.remaining();
        outer:
        for (int i = 0; i + MOD_UNLOAD.length <= n; i++) {
            for (int k = 0; k < MOD_UNLOAD.length; k++) {
                if (b.get(i + k) != MOD_UNLOAD[k]) {
                    continue outer;
                }
            }
            int start = i;
            while (start > 0 && b.get(start - 1) != 0 && i - start < 256) {
                start--;
            }
            int end = i;
            while (end < n && b.get(end) != 0 && end - i < 256) {
                end++;
            }
            byte first = b.get(start);
            if (first >= '0' && first <= '9' && (start == 0 || b.get(start - 1) == 0) && end < n) {
                byte[] s = new byte[end - start];
                b.get(start, s);
                return Optional.of(new String(s, StandardCharsets.US_ASCII));
            }
        }
        return Optional.empty();
    }

    /** {@code sizeof(struct module)} from the BTF type section, if the kernel carries BTF. */
    static OptionalLong structModuleSize(ElfFile vmlinux) {
        return structModule(vmlinux).map(m -> OptionalLong.of(m.size())).orElse(OptionalLong.empty());
    }

    /** The byte offset of each member of {@code struct module}, from BTF; empty without BTF. */
    static Map<String, Long> structModuleMembers(ElfFile vmlinux) {
        return structModule(vmlinux).map(StructType::members).orElse(Map.of());
    }

    /** A BTF struct: its size and its members' byte offsets. */
    private record StructType(long size, Map<String, Long> members) {
    }

    private static Optional<StructType> structModule(ElfFile vmlinux) {
        Optional<Section> btf = vmlinux.section(".BTF");
        if (btf.isEmpty()) {
            return Optional.empty();
        }
        ByteBuffer b = btf.get().bytes().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 24 || (b.getShort(0) & 0xffff) != BTF_MAGIC) {
            b.order(ByteOrder.BIG_ENDIAN);
            if (b.remaining() < 24 || (b.getShort(0) & 0xffff) != BTF_MAGIC) {
                return Optional.empty();
            }
        }
        long hdrLen = b.getInt(4) & 0xffffffffL;
        long typeOff = hdrLen + (b.getInt(8) & 0xffffffffL);
        long typeEnd = typeOff + (b.getInt(12) & 0xffffffffL);
        long strOff = hdrLen + (b.getInt(16) & 0xffffffffL);
        long strEnd = strOff + (b.getInt(20) & 0xffffffffL);
        if (typeEnd > b.remaining() || strEnd > b.remaining()) {
            return Optional.empty();
        }
        long at = typeOff;
        while (at + 12 <= typeEnd) {
            long nameOff = b.getInt((int) at) & 0xffffffffL;
            int info = b.getInt((int) at + 4);
            long size = b.getInt((int) at + 8) & 0xffffffffL;
            int vlen = info & 0xffff;
            int kind = (info >>> 24) & 0x1f;
            if (kind == BTF_KIND_STRUCT && isName(b, strOff + nameOff, strEnd, "module")
                    && at + 12 + 12L * vlen <= typeEnd) {
                // Members: {name_off, type, offset}; with kind_flag the offset's low 24 bits are the bit offset.
                boolean kindFlag = info < 0;
                Map<String, Long> members = new LinkedHashMap<>();
                for (int i = 0; i < vlen; i++) {
                    int m = (int) (at + 12 + 12L * i);
                    String name = string(b, strOff + (b.getInt(m) & 0xffffffffL), strEnd);
                    long bits = b.getInt(m + 8) & 0xffffffffL;
                    if (kindFlag) {
                        bits &= 0xffffff;
                    }
                    if (!name.isEmpty()) {
                        members.putIfAbsent(name, bits / 8);
                    }
                }
                return Optional.of(new StructType(size, Map.copyOf(members)));
            }
            long extra = switch (kind) {
                case 1, 14, 17 -> 4; // INT, VAR, DECL_TAG
                case 3 -> 12; // ARRAY
                case 4, 5, 15, 19 -> 12L * vlen; // STRUCT, UNION, DATASEC, ENUM64
                case 6, 13 -> 8L * vlen; // ENUM, FUNC_PROTO
                default -> 0; // PTR, FWD, TYPEDEF, qualifiers, FUNC, FLOAT, TYPE_TAG
            };
            at += 12 + extra;
        }
        return Optional.empty();
    }

    /** The NUL-terminated string at {@code at}, empty when it runs past {@code end}. */
    private static String string(ByteBuffer b, long at, long end) {
        StringBuilder sb = new StringBuilder();
        for (long i = at; i < end; i++) {
            byte c = b.get((int) i);
            if (c == 0) {
                return sb.toString();
            }
            sb.append((char) (c & 0xff));
        }
        return "";
    }

    private static boolean isName(ByteBuffer b, long at, long end, String name) {
        if (at + name.length() >= end) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (b.get((int) at + i) != name.charAt(i)) {
                return false;
            }
        }
        return b.get((int) at + name.length()) == 0;
    }
}
