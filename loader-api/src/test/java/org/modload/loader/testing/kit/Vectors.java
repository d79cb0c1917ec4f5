package org.modload.loader.testing.kit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.diag.RelocationException;
import org.modload.loader.spi.FunctionDescriptor;
import org.modload.loader.spi.Profile;

/**
 * Reads test vectors written one per line:
 *
 * <pre>
 * # comment
 * pass R_X86_64_PC32 KERNEL section=.text@0xffffffffc0000000 bytes=e800000000 offset=1
 *      ext=printk:0xffffffff81000000 addend=-4 expect=e8fbffff00   (one line)
 * fail R_X86_64_PC32 KERNEL section=.text@0x1000 bytes=e800000000 offset=1 ext=f:0x80001001
 *      addend=-4 error=OUT_OF_RANGE value=2147483648 range=-2147483648..2147483647
 * </pre>
 *
 * Keys: {@code section=NAME@ADDR} and {@code bytes=HEX} (required); {@code offset=N} (default 0);
 * the symbol, one of {@code ext=NAME:S} (imported; {@code ext=NAME:S:IP:GP} with a function
 * descriptor), {@code def=NAME:OFFSET[:SIZE]} (defined in the section), {@code abs=NAME:VALUE},
 * {@code secsym} (the section symbol); {@code addend=N} (RELA only); {@code pin=TABLE@ADDR}
 * (repeatable); for {@code pass}: {@code expect=HEX} (the section afterwards) and
 * {@code table=TABLE@HEX} (repeatable); for {@code fail}: {@code error=REASON} (a
 * {@link RelocationException.Reason}), {@code value=N}, {@code range=MIN..MAX}. Numbers are
 * decimal or {@code 0x} hex (64-bit, read as unsigned), with an optional minus sign; hex bytes may
 * be grouped with {@code _}. A malformed line fails the read, naming the line.
 */
public final class Vectors {
    private Vectors() {
    }

    /** Reads the vectors of {@code in} (closed after), naming each {@code name:line}. */
    public static List<Vector> read(InputStream in, String name) {
        if (in == null) {
            throw new AssertionError("vector file " + name + " is missing");
        }
        try (InputStream s = in) {
            return parse(new String(s.readAllBytes(), StandardCharsets.UTF_8), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The vectors of {@code text}, naming each {@code name:line}. */
    public static List<Vector> parse(String text, String name) {
        List<Vector> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String source = name + ":" + (i + 1);
            try {
                out.add(vector(line, source));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(source + ": " + e.getMessage() + ": " + line, e);
            }
        }
        return List.copyOf(out);
    }

    private static Vector vector(String line, String source) {
        String[] tokens = line.split("\\s+");
        if (tokens.length < 3) {
            throw new IllegalArgumentException("want: pass|fail TYPE PROFILE key=value...");
        }
        boolean pass = switch (tokens[0]) {
            case "pass" -> true;
            case "fail" -> false;
            default -> throw new IllegalArgumentException("'" + tokens[0] + "' is neither pass nor fail");
        };
        String type = tokens[1];
        Profile profile = Profile.valueOf(tokens[2]);
        Map<String, String> keys = new LinkedHashMap<>();
        Map<String, Long> pins = new LinkedHashMap<>();
        Map<String, ByteBuffer> tables = new LinkedHashMap<>();
        Vector.SymbolRef symbol = null;
        for (int t = 3; t < tokens.length; t++) {
            String tok = tokens[t];
            if (tok.equals("secsym")) {
                symbol = only(symbol, new Vector.SectionSymbol(""));
                continue;
            }
            int eq = tok.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + tok + "' is not key=value");
            }
            String key = tok.substring(0, eq);
            String value = tok.substring(eq + 1);
            switch (key) {
                case "pin" -> {
                    String[] p = at(value);
                    pins.put(p[0], number(p[1]));
                }
                case "table" -> {
                    String[] p = at(value);
                    tables.put(p[0], hex(p[1]));
                }
                case "ext" -> {
                    String[] p = value.split(":");
                    if (p.length != 2 && p.length != 4) {
                        throw new IllegalArgumentException("ext=NAME:S or ext=NAME:S:IP:GP");
                    }
                    Optional<FunctionDescriptor> d = p.length == 4
                            ? Optional.of(new FunctionDescriptor(number(p[2]), number(p[3]))) : Optional.empty();
                    symbol = only(symbol, new Vector.Imported(p[0], number(p[1]), d));
                }
                case "def" -> {
                    String[] p = value.split(":");
                    if (p.length != 2 && p.length != 3) {
                        throw new IllegalArgumentException("def=NAME:OFFSET or def=NAME:OFFSET:SIZE");
                    }
                    symbol = only(symbol, new Vector.Defined(p[0], number(p[1]), p.length == 3 ? number(p[2]) : 0));
                }
                case "abs" -> {
                    String[] p = value.split(":");
                    if (p.length != 2) {
                        throw new IllegalArgumentException("abs=NAME:VALUE");
                    }
                    symbol = only(symbol, new Vector.Absolute(p[0], number(p[1])));
                }
                case "section", "bytes", "offset", "addend", "expect", "error", "value", "range" -> {
                    if (keys.put(key, value) != null) {
                        throw new IllegalArgumentException(key + " twice");
                    }
                }
                default -> throw new IllegalArgumentException("unknown key '" + key + "'");
            }
        }
        if (symbol == null) {
            throw new IllegalArgumentException("no symbol (ext=, def=, abs= or secsym)");
        }
        String[] section = at(require(keys, "section"));
        ByteBuffer bytes = hex(require(keys, "bytes"));
        if (symbol instanceof Vector.SectionSymbol) {
            symbol = new Vector.SectionSymbol(section[0]);
        }
        Vector.Site site = new Vector.Site(section[0], number(section[1]), bytes,
                keys.containsKey("offset") ? number(keys.get("offset")) : 0, symbol,
                keys.containsKey("addend") ? OptionalLong.of(number(keys.get("addend"))) : OptionalLong.empty(), pins);
        Vector.Expected expected;
        if (pass) {
            for (String k : List.of("error", "value", "range")) {
                if (keys.containsKey(k)) {
                    throw new IllegalArgumentException(k + "= belongs to a fail vector");
                }
            }
            ByteBuffer after = hex(require(keys, "expect"));
            if (after.capacity() != bytes.capacity()) {
                throw new IllegalArgumentException("expect= has " + after.capacity() + " bytes, bytes= " + bytes.capacity());
            }
            expected = new Vector.Writes(after, tables);
        } else {
            if (keys.containsKey("expect") || !tables.isEmpty()) {
                throw new IllegalArgumentException("expect= and table= belong to a pass vector");
            }
            OptionalLong min = OptionalLong.empty();
            OptionalLong max = OptionalLong.empty();
            if (keys.containsKey("range")) {
                String r = keys.get("range");
                int dots = r.indexOf("..", 1);
                if (dots < 0) {
                    throw new IllegalArgumentException("range=MIN..MAX");
                }
                min = OptionalLong.of(number(r.substring(0, dots)));
                max = OptionalLong.of(number(r.substring(dots + 2)));
            }
            expected = new Vector.Refuses(RelocationException.Reason.valueOf(require(keys, "error")),
                    keys.containsKey("value") ? OptionalLong.of(number(keys.get("value"))) : OptionalLong.empty(), min,
                    max);
        }
        return new Vector(source, type, profile, site, expected);
    }

    private static Vector.SymbolRef only(Vector.SymbolRef prior, Vector.SymbolRef s) {
        if (prior != null) {
            throw new IllegalArgumentException("two symbols");
        }
        return s;
    }

    private static String require(Map<String, String> keys, String key) {
        String v = keys.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no " + key + "=");
        }
        return v;
    }

    private static String[] at(String value) {
        int at = value.lastIndexOf('@');
        if (at <= 0) {
            throw new IllegalArgumentException("'" + value + "' is not NAME@VALUE");
        }
        return new String[] {value.substring(0, at), value.substring(at + 1)};
    }

    /** A decimal or 0x-hex number, optionally negative; hex may use all 64 bits. */
    static long number(String s) {
        boolean negative = s.startsWith("-");
        String t = negative ? s.substring(1) : s;
        long v = t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2).replace("_", ""), 16)
                : Long.parseUnsignedLong(t);
        return negative ? -v : v;
    }

    static ByteBuffer hex(String s) {
        String t = s.replace("_", "");
        if (t.length() % 2 != 0) {
            throw new IllegalArgumentException("odd number of hex digits: " + s);
        }
        byte[] b = new byte[t.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(t.substring(2 * i, 2 * i + 2), 16);
        }
        return ByteBuffer.wrap(b).asReadOnlyBuffer();
    }
}
