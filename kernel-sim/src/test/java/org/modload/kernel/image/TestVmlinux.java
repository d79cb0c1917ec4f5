package org.modload.kernel.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a small vmlinux ELF (ET_EXEC) in memory with the export tables of a Linux 6.x kernel:
 * {@code .text}, {@code .data}, {@code .data..percpu} (at address 0 for x86_64, as the kernel
 * links it), {@code __ksymtab}, {@code __ksymtab_gpl}, {@code __kcrctab}, {@code __kcrctab_gpl},
 * {@code __ksymtab_strings}. Tests then break one thing at a time: drop a section, patch a field,
 * change the machine. Test code only; one builder builds one image.
 */
final class TestVmlinux {
    /** One export: its target is {@code section + offset}; a null namespace is stored as namespace_offset 0. */
    record Export(String name, String section, long offset, int crc, boolean gpl, String namespace) {
    }

    private static final int SHT_PROGBITS = 1;
    private static final int SHT_STRTAB = 3;
    private static final long SHF_WRITE = 1;
    private static final long SHF_ALLOC = 2;
    private static final long SHF_EXECINSTR = 4;

    private final boolean is64;
    private final List<Export> exports = new ArrayList<>();
    private final List<String> dropped = new ArrayList<>();
    private final List<long[]> patches = new ArrayList<>();
    private final List<String> patchSections = new ArrayList<>();
    private final Map<String, Integer> sizes = new LinkedHashMap<>();
    private int machine;

    private TestVmlinux(boolean is64) {
        this.is64 = is64;
        this.machine = is64 ? 62 : 3;
    }

    static TestVmlinux x86_64() {
        return new TestVmlinux(true);
    }

    static TestVmlinux i386() {
        return new TestVmlinux(false);
    }

    /** A kernel with a few exports of every kind. */
    static TestVmlinux sample(boolean is64) {
        return new TestVmlinux(is64)
                .export(new Export("_printk", ".text", 0x40, 0x12345678, false, ""))
                .export(new Export("jiffies", ".data", 0x80, 0xcafef00d, false, null))
                .export(new Export("current_task", ".data..percpu", 0x100, 0x0badc0de, false, ""))
                .export(new Export("cxl_bus_type", ".data", 0x200, 0x7fffffff, true, "CXL"))
                .export(new Export("kfree_sensitive", ".text", 0x400, 0x80000000, true, null));
    }

    TestVmlinux export(Export e) {
        exports.add(e);
        return this;
    }

    /** Leaves {@code section} out of the image. */
    TestVmlinux without(String section) {
        dropped.add(section);
        return this;
    }

    /** Overwrites the 32-bit word at {@code offset} of {@code section} once the image is laid out. */
    TestVmlinux patchInt(String section, long offset, int value) {
        patchSections.add(section);
        patches.add(new long[] {offset, value});
        return this;
    }

    /** Gives {@code section} this many bytes (cut or zero-padded). */
    TestVmlinux size(String section, int bytes) {
        sizes.put(section, bytes);
        return this;
    }

    TestVmlinux machine(int eMachine) {
        this.machine = eMachine;
        return this;
    }

    /** The address every build gives {@code section}. */
    long address(String section) {
        long text = is64 ? 0xffffffff81000000L : 0xc1000000L;
        return switch (section) {
            case ".text" -> text;
            case ".data" -> text + 0x1000000;
            case ".data..percpu" -> is64 ? 0 : text + 0x2000000;
            case "__ksymtab" -> text + 0x800000;
            case "__ksymtab_gpl" -> text + 0x810000;
            case "__kcrctab" -> text + 0x820000;
            case "__kcrctab_gpl" -> text + 0x830000;
            case "__ksymtab_strings" -> text + 0x840000;
            default -> throw new IllegalArgumentException(section);
        };
    }

    /** The address {@code e} resolves to. */
    long address(Export e) {
        return address(e.section()) + e.offset();
    }

    byte[] build() {
        // __ksymtab_strings: each name, then each distinct namespace; plus one empty string.
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        Map<String, Long> stringAt = new LinkedHashMap<>();
        for (Export e : exports) {
            intern(strings, stringAt, e.name());
            if (e.namespace() != null) {
                intern(strings, stringAt, e.namespace());
            }
        }
        Map<String, byte[]> contents = new LinkedHashMap<>();
        contents.put(".text", new byte[0x1000]);
        contents.put(".data", new byte[0x1000]);
        contents.put(".data..percpu", new byte[0x1000]);
        contents.put("__ksymtab", table(false));
        contents.put("__ksymtab_gpl", table(true));
        contents.put("__kcrctab", crcs(false));
        contents.put("__kcrctab_gpl", crcs(true));
        contents.put("__ksymtab_strings", strings.toByteArray());
        fillTables(contents, stringAt);
        for (Map.Entry<String, Integer> s : sizes.entrySet()) {
            contents.put(s.getKey(), Arrays.copyOf(contents.get(s.getKey()), s.getValue()));
        }
        for (int i = 0; i < patches.size(); i++) {
            ByteBuffer.wrap(contents.get(patchSections.get(i))).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt((int) patches.get(i)[0], (int) patches.get(i)[1]);
        }
        dropped.forEach(contents::remove);
        return elf(contents);
    }

    private static void intern(ByteArrayOutputStream strings, Map<String, Long> at, String s) {
        if (!at.containsKey(s)) {
            at.put(s, (long) strings.size());
            strings.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            strings.write(0);
        }
    }

    private List<Export> of(boolean gpl) {
        return exports.stream().filter(e -> e.gpl() == gpl).toList();
    }

    private byte[] table(boolean gpl) {
        return new byte[12 * of(gpl).size()];
    }

    private byte[] crcs(boolean gpl) {
        ByteBuffer b = ByteBuffer.allocate(4 * of(gpl).size()).order(ByteOrder.LITTLE_ENDIAN);
        of(gpl).forEach(e -> b.putInt(e.crc()));
        return b.array();
    }

    /** Writes each entry's three PREL32 fields: target minus the field's own address. */
    private void fillTables(Map<String, byte[]> contents, Map<String, Long> stringAt) {
        for (boolean gpl : new boolean[] {false, true}) {
            String name = gpl ? "__ksymtab_gpl" : "__ksymtab";
            ByteBuffer b = ByteBuffer.wrap(contents.get(name)).order(ByteOrder.LITTLE_ENDIAN);
            long base = address(name);
            long strings = address("__ksymtab_strings");
            List<Export> list = of(gpl);
            for (int i = 0; i < list.size(); i++) {
                Export e = list.get(i);
                long field = base + 12L * i;
                b.putInt(12 * i, (int) (address(e) - field));
                b.putInt(12 * i + 4, (int) (strings + stringAt.get(e.name()) - (field + 4)));
                b.putInt(12 * i + 8, e.namespace() == null ? 0
                        : (int) (strings + stringAt.get(e.namespace()) - (field + 8)));
            }
        }
    }

    private byte[] elf(Map<String, byte[]> contents) {
        int ehsize = is64 ? 64 : 52;
        int shentsize = is64 ? 64 : 40;
        ByteArrayOutputStream shstrtab = new ByteArrayOutputStream();
        shstrtab.write(0);
        List<String> names = new ArrayList<>(contents.keySet());
        names.add(".shstrtab");
        int[] nameAt = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            nameAt[i] = shstrtab.size();
            shstrtab.writeBytes(names.get(i).getBytes(StandardCharsets.US_ASCII));
            shstrtab.write(0);
        }
        List<byte[]> bodies = new ArrayList<>(contents.values());
        bodies.add(shstrtab.toByteArray());
        long[] offsets = new long[bodies.size()];
        long p = ehsize;
        for (int i = 0; i < bodies.size(); i++) {
            p = (p + 15) & ~15L;
            offsets[i] = p;
            p += bodies.get(i).length;
        }
        long shoff = (p + 7) & ~7L;
        int shnum = bodies.size() + 1;
        ByteBuffer out = ByteBuffer.allocate((int) (shoff + (long) shnum * shentsize)).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) (is64 ? 2 : 1), 1, 1});
        out.putShort(16, (short) 2); // ET_EXEC
        out.putShort(18, (short) machine);
        out.putInt(20, 1);
        if (is64) {
            out.putLong(40, shoff);
            out.putShort(52, (short) ehsize);
            out.putShort(58, (short) shentsize);
            out.putShort(60, (short) shnum);
            out.putShort(62, (short) (shnum - 1));
        } else {
            out.putInt(32, (int) shoff);
            out.putShort(40, (short) ehsize);
            out.putShort(46, (short) shentsize);
            out.putShort(48, (short) shnum);
            out.putShort(50, (short) (shnum - 1));
        }
        for (int i = 0; i < bodies.size(); i++) {
            out.put((int) offsets[i], bodies.get(i));
            String name = names.get(i);
            boolean strtab = name.equals(".shstrtab");
            long flags = strtab ? 0 : name.equals(".text") ? SHF_ALLOC | SHF_EXECINSTR
                    : name.startsWith(".data") ? SHF_ALLOC | SHF_WRITE : SHF_ALLOC;
            long addr = strtab ? 0 : address(name);
            int h = (int) (shoff + (long) (i + 1) * shentsize);
            if (is64) {
                out.putInt(h, nameAt[i]).putInt(h + 4, strtab ? SHT_STRTAB : SHT_PROGBITS).putLong(h + 8, flags)
                        .putLong(h + 16, addr).putLong(h + 24, offsets[i]).putLong(h + 32, bodies.get(i).length)
                        .putLong(h + 48, 1);
            } else {
                out.putInt(h, nameAt[i]).putInt(h + 4, strtab ? SHT_STRTAB : SHT_PROGBITS).putInt(h + 8, (int) flags)
                        .putInt(h + 12, (int) addr).putInt(h + 16, (int) offsets[i])
                        .putInt(h + 20, bodies.get(i).length).putInt(h + 32, 1);
            }
        }
        return out.array();
    }
}
