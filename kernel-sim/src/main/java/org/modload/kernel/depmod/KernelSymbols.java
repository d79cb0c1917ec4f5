package org.modload.kernel.depmod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's own symbols as kmod 30's depmod reads them: from {@code Module.symvers}
 * ({@code -E}, {@code depmod_load_symvers}) or from {@code System.map} ({@code -F},
 * {@code depmod_load_system_map}). Lenient as kmod is: a line it cannot use is skipped, some
 * with an error message.
 *
 * @param symbols the symbols in file order, with their CRCs (0 from System.map)
 * @param messages what kmod prints on standard error while reading, as {@code LEVEL: message}
 */
public record KernelSymbols(List<ExportedSymbol> symbols, List<String> messages) {
    private static final String KSYMTAB = "__ksymtab_";
    /**
     * kmod prints {@code %m} here though strtoull set no errno: what is left is the ENOENT of an
     * earlier lookup (kmod 30 on Debian, measured), so that is what it prints.
     */
    private static final String LEFTOVER_ERRNO = "No such file or directory";

    public KernelSymbols {
        symbols = List.copyOf(symbols);
        messages = List.copyOf(messages);
    }

    /**
     * {@code Module.symvers}: {@code CRC SYMBOL WHERE ...} separated by blanks or tabs; only
     * lines whose third field is exactly {@code vmlinux} count; the CRC is hexadecimal
     * ({@code strtoull(ver, &end, 16)}), the symbol loses a leading {@code prefix}.
     *
     * @throws IOException if the file cannot be read (kmod: "could not load FILE")
     */
    public static KernelSymbols symvers(Path file, char prefix) throws IOException {
        List<ExportedSymbol> out = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        int lineNumber = 0;
        for (String line : lines(file)) {
            lineNumber++;
            String[] f = tokens(line, 3);
            if (f == null || !f[2].equals("vmlinux")) {
                continue;
            }
            Long crc = strtoull16(f[0]);
            if (crc == null) {
                messages.add("ERROR: " + file + ":" + lineNumber + " Invalid symbol version " + f[0] + ": "
                        + LEFTOVER_ERRNO);
                continue;
            }
            String name = prefix != '\0' && !f[1].isEmpty() && f[1].charAt(0) == prefix ? f[1].substring(1) : f[1];
            out.add(new ExportedSymbol(name, crc));
        }
        return new KernelSymbols(out, messages);
    }

    /**
     * {@code System.map}: {@code ADDRESS TYPE NAME}; every {@code __ksymtab_NAME} (after the
     * prefix) is a kernel symbol. A line with fewer than two blanks is reported and skipped.
     *
     * @throws IOException if the file cannot be read
     */
    public static KernelSymbols systemMap(Path file, char prefix) throws IOException {
        List<ExportedSymbol> out = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        int lineNumber = 0;
        for (String line : lines(file)) {
            lineNumber++;
            int a = line.indexOf(' ');
            int b = a < 0 ? -1 : line.indexOf(' ', a + 1);
            if (b < 0) {
                messages.add("ERROR: " + file + ":" + lineNumber + ": invalid line: " + line);
                continue;
            }
            String p = line.substring(b + 1);
            if (prefix != '\0' && !p.isEmpty() && p.charAt(0) == prefix) {
                p = p.substring(1);
            }
            if (!p.startsWith(KSYMTAB)) {
                continue;
            }
            int nl = p.indexOf('\n');
            out.add(new ExportedSymbol((nl < 0 ? p : p.substring(0, nl)).substring(KSYMTAB.length()), 0));
        }
        return new KernelSymbols(out, messages);
    }

    /** The file's lines as {@code fgets} returns them, each with its newline if it has one. */
    private static List<String> lines(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl + 1;
            out.add(text.substring(start, end));
            start = end;
        }
        return out;
    }

    /** The first {@code n} tokens {@code strtok(line, " \t")} gives, or null if there are fewer. */
    private static String[] tokens(String line, int n) {
        String[] out = new String[n];
        int i = 0;
        for (int k = 0; k < n; k++) {
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            if (i >= line.length()) {
                return null;
            }
            int start = i;
            while (i < line.length() && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                i++;
            }
            out[k] = line.substring(start, i);
        }
        return out;
    }

    /** {@code strtoull(s, &end, 16)} with {@code *end == '\0'} required; null otherwise. */
    static Long strtoull16(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        if (i + 2 < s.length() && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                && Character.digit(s.charAt(i + 2), 16) >= 0) {
            i += 2;
        }
        int digits = i;
        long v = 0;
        boolean overflow = false;
        for (; i < s.length() && Character.digit(s.charAt(i), 16) >= 0; i++) {
            if (Long.compareUnsigned(v, 0x0fffffffffffffffL) > 0) {
                overflow = true;
            }
            v = v << 4 | Character.digit(s.charAt(i), 16);
        }
        if (i == digits) {
            // No digits: strtoull leaves end at the start of the string.
            return s.isEmpty() ? 0L : null;
        }
        if (i != s.length()) {
            return null;
        }
        return overflow ? -1L : negative ? -v : v;
    }
}
