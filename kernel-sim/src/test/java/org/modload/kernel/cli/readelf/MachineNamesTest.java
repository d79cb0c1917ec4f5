package org.modload.kernel.cli.readelf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.loader.elf.Machine;
import org.modload.loader.testing.ExternalTools;

/**
 * The e_machine table against its oracles: {@code readelf/machines.tsv} lists every value binutils
 * 2.40's readelf names (found by running readelf on a crafted header for each of the 65536
 * values, regen-machines.py) with its spec name from glibc's {@code <elf.h>} or binutils'
 * {@code include/elf/common.h}. Every listed value must carry that name, every other value must
 * print {@code unknown(N)}, except the two registry values glibc names and readelf does not.
 */
class MachineNamesTest {
    /** In glibc's {@code <elf.h>} (EM_SHARC, EM_TI_ARP32) but unknown to readelf 2.40. */
    private static final Map<Integer, String> GLIBC_ONLY = Map.of(133, "EM_SHARC", 143, "EM_TI_ARP32");

    @Test
    void everyValueAsTheOraclesNameIt() throws IOException {
        Map<Integer, String[]> rows = rows();
        assertEquals(220, rows.size(), "readelf 2.40 names 220 values");
        List<String> wrong = new ArrayList<>();
        for (int v = 0; v <= 0xffff; v++) {
            String[] row = rows.get(v);
            String expected = row != null ? row[1] : GLIBC_ONLY.getOrDefault(v, "unknown(" + v + ")");
            String ours = new Machine(v).specName();
            if (!ours.equals(expected)) {
                wrong.add(v + ": " + ours + ", expected " + expected);
            }
        }
        assertEquals(List.of(), wrong);
    }

    /** The table is readelf's: a sample of values run through this machine's readelf now. */
    @Test
    void tableMatchesTheInstalledReadelf(@TempDir Path dir) throws IOException {
        Map<Integer, String[]> rows = rows();
        List<Integer> sample = List.of(0, 3, 8, 40, 62, 183, 243, 247, 258, 0x9026, 121, 260, 0x1234);
        List<String> args = new ArrayList<>(List.of("env", "LC_ALL=C", "readelf", "-h"));
        for (int v : sample) {
            ByteBuffer h = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            h.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1}).position(16);
            h.putShort((short) 1).putShort((short) v).putInt(1).position(52);
            h.putShort((short) 64).position(58);
            h.putShort((short) 64);
            args.add(Files.write(dir.resolve(String.format("%05d", v)), h.array()).toString());
        }
        ExternalTools.require("readelf", "binutils");
        String out = ExternalTools.run(args);
        Map<Integer, String> seen = new TreeMap<>();
        Integer current = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("File: ")) {
                current = Integer.parseInt(line.substring(line.length() - 5));
            } else if (line.trim().startsWith("Machine:") && current != null) {
                seen.put(current, line.substring(line.indexOf(':') + 1).trim());
            }
        }
        for (int v : sample) {
            String[] row = rows.get(v);
            String d = seen.get(v);
            assertEquals(row == null, d.startsWith("<unknown>"), v + ": readelf says " + d);
            if (row != null) {
                assertEquals(row[0], d, "description of " + v);
            }
        }
        assertEquals(Set.copyOf(sample), seen.keySet());
    }

    /** value -> {readelf description, spec name}. */
    private static Map<Integer, String[]> rows() throws IOException {
        Map<Integer, String[]> out = new TreeMap<>();
        try (InputStream in = MachineNamesTest.class.getResourceAsStream("/readelf/machines.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                out.put(Integer.parseInt(f[0]), new String[] {f[1], f[2]});
            }
        }
        return out;
    }
}
