package org.modload.kernel.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.loader.testing.ExternalTools;

/**
 * A miniature kernel assembled and linked by GNU binutils the way Linux 6.1 builds its export
 * tables ({@code include/linux/export.h}: {@code .long sym - .} per field in
 * {@code ___ksymtab+sym} sections, gathered by {@code vmlinux.lds.h}), so that GNU ld, not this
 * code, computes every PREL32 offset; {@code nm} on the unstripped link is the oracle for the
 * addresses read back from the stripped, xz-wrapped image. On x86_64 the per-CPU section is
 * linked at 0, as the real kernel's is.
 */
class ToolchainKernelTest {
    @TempDir
    Path tmp;

    private static final String SOURCE = """
            \t.text
            \t.globl my_func, my_gpl_func
            \t.skip 0x30
            my_func:\tret
            \t.skip 0x1f
            my_gpl_func:\tret
            \t.data
            \t.globl my_var
            \t.skip 0x18
            my_var:\t.long 0
            \t.section .data..percpu,"aw"
            \t.globl my_percpu
            \t.skip 0x40
            my_percpu:\t.long 0
            EXPORTS
            """;

    /** One export, as {@code ___EXPORT_SYMBOL} and {@code SYMBOL_CRC} expand in 6.1. */
    private static String export(String sym, String sec, String ns, int crc) {
        return String.join("\n",
                "\t.section \"___ksymtab" + sec + "+" + sym + "\", \"a\"",
                "\t.balign 4",
                "__ksymtab_" + sym + ":",
                "\t.long " + sym + " - .",
                "\t.long __kstrtab_" + sym + " - .",
                "\t.long __kstrtabns_" + sym + " - .",
                "\t.section \"__ksymtab_strings\", \"aMS\", @progbits, 1",
                "__kstrtab_" + sym + ":\t.asciz \"" + sym + "\"",
                "__kstrtabns_" + sym + ":\t.asciz \"" + ns + "\"",
                "\t.section \"___kcrctab" + sec + "+" + sym + "\", \"a\"",
                "\t.balign 4",
                "\t.long 0x" + Integer.toHexString(crc),
                "");
    }

    private static String script(boolean is64) {
        String text = is64 ? "0xffffffff81000000" : "0xc1000000";
        String tables = is64 ? "0xffffffff81800000" : "0xc1800000";
        String data = is64 ? "0xffffffff82000000" : "0xc2000000";
        String percpu = is64
                ? ".data..percpu 0 : AT(ADDR(.data) + SIZEOF(.data)) { *(.data..percpu) }"
                : ".data..percpu : { *(.data..percpu) }";
        return """
                SECTIONS {
                  . = TEXT;
                  .text : { *(.text) }
                  . = TABLES;
                  __ksymtab : { *(SORT(___ksymtab+*)) }
                  __ksymtab_gpl : { *(SORT(___ksymtab_gpl+*)) }
                  __kcrctab : { *(SORT(___kcrctab+*)) }
                  __kcrctab_gpl : { *(SORT(___kcrctab_gpl+*)) }
                  __ksymtab_strings : { *(__ksymtab_strings) }
                  . = DATA;
                  .data : { *(.data) }
                  PERCPU
                  /DISCARD/ : { *(.note.gnu.property) }
                }
                """.replace("TEXT", text).replace("TABLES", tables).replace("DATA", data).replace("PERCPU", percpu);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void addressesAgreeWithNmOnTheLinkedKernel(boolean is64) throws IOException {
        for (String tool : List.of("as", "ld", "nm", "objcopy")) {
            ExternalTools.require(tool, "binutils");
        }
        String exports = export("my_func", "", "", 0x1111)
                + export("my_var", "", "", 0x2222)
                + export("my_percpu", "", "", 0x3333)
                + export("my_gpl_func", "_gpl", "MY_NS", 0x4444);
        Files.writeString(tmp.resolve("k.s"), SOURCE.replace("EXPORTS", exports));
        Files.writeString(tmp.resolve("k.lds"), script(is64));
        ExternalTools.run(List.of("as", is64 ? "--64" : "--32", "-o", "k.o", "k.s"), tmp);
        ExternalTools.run(List.of("ld", "-m", is64 ? "elf_x86_64" : "elf_i386", "-T", "k.lds", "-o", "vmlinux",
                "k.o"), tmp);
        // As arch/x86/boot/compressed/Makefile makes vmlinux.bin.
        ExternalTools.run(List.of("objcopy", "-R", ".comment", "-S", "vmlinux", "vmlinux.bin"), tmp);

        Map<String, Long> nm = new TreeMap<>();
        for (String line : ExternalTools.run(List.of("nm", "vmlinux"), tmp).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[2].startsWith("my_")) {
                nm.put(f[2], Long.parseUnsignedLong(f[0], 16));
            }
        }
        assertEquals(4, nm.size(), nm.toString());
        if (is64) {
            assertEquals(0x40L, nm.get("my_percpu"), "per-CPU symbols are linked at 0 on x86_64");
        }

        byte[] bin = Files.readAllBytes(tmp.resolve("vmlinux.bin"));
        KernelImage image = KernelImage.read("vmlinuz-mini", ByteBuffer.wrap(TestBzImage.of(bin)));

        Map<String, Long> read = new TreeMap<>();
        image.exports().forEach(e -> read.put(e.name(), e.address()));
        assertEquals(nm, read);
        assertEquals(List.of(
                new KernelExport("my_func", nm.get("my_func"), 0x1111, false, ""),
                new KernelExport("my_percpu", nm.get("my_percpu"), 0x3333, false, ""),
                new KernelExport("my_var", nm.get("my_var"), 0x2222, false, ""),
                new KernelExport("my_gpl_func", nm.get("my_gpl_func"), 0x4444, true, "MY_NS")), image.exports());
        assertEquals(".data..percpu", image.sectionAt(nm.get("my_percpu")).orElseThrow().name());
    }
}
