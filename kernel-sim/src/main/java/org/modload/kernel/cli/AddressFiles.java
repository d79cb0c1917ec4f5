package org.modload.kernel.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.spi.FunctionDescriptor;

/**
 * Reads the address files of {@code modload link}: {@code name<TAB>0xADDR} (layouts and symbol
 * maps), {@code name<TAB>0xDESC<TAB>0xIP<TAB>0xGP} (a function descriptor's contents, on architectures with descriptors) and
 * System.map's {@code ADDR TYPE NAME}.
 */
final class AddressFiles {
    private AddressFiles() {
    }

    static long parseAddress(String s, Path file, int line) {
        String t = s.trim();
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            return Long.parseUnsignedLong(t, 16);
        } catch (NumberFormatException e) {
            throw new InputFileException(file + ":" + line + ": '" + t + "' is not a hexadecimal address");
        }
    }

    /** {@code section<TAB>0xADDR} lines. */
    static Map<String, Long> layout(Path file) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\t");
            if (f.length != 2) {
                throw new InputFileException(file + ":" + (i + 1) + ": expected 'section<TAB>0xADDR'");
            }
            out.put(f[0], parseAddress(f[1], file, i + 1));
        }
        return out;
    }

    /** Symbol definitions from a tab-separated map or a System.map. */
    static Map<String, SymbolDefinition> symbols(Path file) throws IOException {
        Map<String, SymbolDefinition> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank() || l.startsWith("#")) {
                continue;
            }
            if (l.indexOf('\t') >= 0) {
                String[] f = l.split("\t");
                if (f.length == 2) {
                    out.put(f[0], SymbolDefinition.at(parseAddress(f[1], file, i + 1)));
                } else if (f.length == 4) {
                    out.put(f[0], new SymbolDefinition(parseAddress(f[1], file, i + 1), Optional.of(
                            new FunctionDescriptor(parseAddress(f[2], file, i + 1), parseAddress(f[3], file, i + 1)))));
                } else {
                    throw new InputFileException(file + ":" + (i + 1)
                            + ": expected 'name<TAB>0xADDR' or 'name<TAB>0xDESC<TAB>0xIP<TAB>0xGP'");
                }
            } else {
                String[] f = l.trim().split("\\s+");
                if (f.length < 3) {
                    throw new InputFileException(file + ":" + (i + 1) + ": expected System.map's 'ADDR TYPE NAME'");
                }
                out.putIfAbsent(f[2], SymbolDefinition.at(parseAddress(f[0], file, i + 1)));
            }
        }
        return out;
    }
}
