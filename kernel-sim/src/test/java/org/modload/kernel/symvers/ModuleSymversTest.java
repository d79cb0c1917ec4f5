package org.modload.kernel.symvers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.modload.kernel.diag.SymversFormatException;

class ModuleSymversTest {

    private static final String TEXT = String.join("\n",
            "0x4c9d28b0\tphys_base\tvmlinux\tEXPORT_SYMBOL\t",
            "0x039823de\tinit_uts_ns\tvmlinux\tEXPORT_SYMBOL_GPL\t",
            "",
            "0xfffffffe\tmhi_queue_skb\tdrivers/bus/mhi/host/mhi\tEXPORT_SYMBOL_GPL\tMHI",
            "0x00000000\told_style\tvmlinux\tEXPORT_SYMBOL",
            "");

    @Test
    void readsEveryFieldOfTheFiveAndFourFieldForms() {
        ModuleSymvers s = ModuleSymvers.parse("Module.symvers", TEXT);
        assertEquals(List.of(
                new SymversEntry(0x4c9d28b0, "phys_base", "vmlinux", false, ""),
                new SymversEntry(0x039823de, "init_uts_ns", "vmlinux", true, ""),
                new SymversEntry(0xfffffffe, "mhi_queue_skb", "drivers/bus/mhi/host/mhi", true, "MHI"),
                new SymversEntry(0, "old_style", "vmlinux", false, "")), s.entries());
        assertEquals(Set.of("phys_base", "init_uts_ns", "old_style"), s.kernelSymbolNames());
        assertEquals(3, s.kernelExports().size());
        assertEquals(Optional.of("MHI"), s.entry("mhi_queue_skb").map(SymversEntry::namespace));
        assertEquals(Optional.empty(), s.entry("printk"));
    }

    /** Each row: a line, with \\t for a tab, and the detail of the error it must raise. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "0x1\\tsym\\tvmlinux|expected 5 tab-separated fields '0xCRC<TAB>name<TAB>module<TAB>EXPORT_SYMBOL[_GPL]<TAB>namespace', found 3",
        "0x1\\tsym\\tvmlinux\\tEXPORT_SYMBOL\\tNS\\textra|expected 5 tab-separated fields '0xCRC<TAB>name<TAB>module<TAB>EXPORT_SYMBOL[_GPL]<TAB>namespace', found 6",
        "1234\\tsym\\tvmlinux\\tEXPORT_SYMBOL\\t|'1234' is not a 32-bit hexadecimal CRC (0x...)",
        "0x\\tsym\\tvmlinux\\tEXPORT_SYMBOL\\t|'0x' is not a 32-bit hexadecimal CRC (0x...)",
        "0x123456789\\tsym\\tvmlinux\\tEXPORT_SYMBOL\\t|'0x123456789' is not a 32-bit hexadecimal CRC (0x...)",
        "0xg\\tsym\\tvmlinux\\tEXPORT_SYMBOL\\t|'0xg' is not a 32-bit hexadecimal CRC (0x...)",
        "0x1\\t\\tvmlinux\\tEXPORT_SYMBOL\\t|empty symbol name",
        "0x1\\tsym\\t\\tEXPORT_SYMBOL\\t|empty module for symbol 'sym'",
        "0x1\\tsym\\tvmlinux\\tEXPORT_SYMBOL_NS\\tNS|'EXPORT_SYMBOL_NS' is not an export type (EXPORT_SYMBOL or EXPORT_SYMBOL_GPL)",
    })
    void aMalformedLineIsReportedWithItsLocation(String line, String detail) {
        String text = "0x1\tgood\tvmlinux\tEXPORT_SYMBOL\t\n\n" + line.replace("\\t", "\t") + "\n";
        SymversFormatException e = assertThrows(SymversFormatException.class, () -> ModuleSymvers.parse("syms", text));
        assertEquals("syms", e.file());
        assertEquals(3, e.line(), "blank lines count");
        assertEquals(detail, e.detail());
        assertEquals("syms:3: " + detail, e.getMessage());
    }
}
