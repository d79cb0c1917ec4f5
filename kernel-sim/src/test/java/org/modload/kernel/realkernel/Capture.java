package org.modload.kernel.realkernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the real kernel printed in one boot of {@code boot.sh}: the console between the
 * {@code @@} markers of {@code init} ({@code console.txt}) and the modules' core memory
 * ({@code memory.bin}, in the order of the memory lines). Lines keep the kernel's exact text
 * (the serial console's carriage returns dropped). Immutable.
 *
 * @param release what {@code uname -r} said
 * @param insmods every insmod, in order: the file stem, whether it succeeded, busybox's message
 * @param procModules /proc/modules, line by line
 * @param sysfs /sys/module/NAME for each loaded module, by name
 * @param kallsyms the module lines of /proc/kallsyms, by module, in the kernel's order
 * @param kernelSymbols the kernel's own symbols that were asked for, by name
 * @param dmesg the kernel log
 * @param memory each loaded module's core memory, by name
 */
record Capture(String release, List<Insmod> insmods, List<String> procModules, Map<String, SysfsModule> sysfs,
        Map<String, List<String>> kallsyms, Map<String, Long> kernelSymbols, List<String> dmesg,
        Map<String, Dump> memory) {

    /** One insmod of {@code init}. */
    record Insmod(String file, boolean ok, String message) {
    }

    /**
     * /sys/module/NAME of one module.
     *
     * @param sections the entries of {@code sections}, name to address, in the order printed
     */
    record SysfsModule(String name, long coresize, long initsize, String initstate, String refcnt, String taint,
            List<String> holders, Map<String, Long> sections) {
    }

    /** The core memory of one module as /proc/kcore read it. */
    record Dump(String module, long address, byte[] bytes) {
    }

    /** Whether {@code dir} holds a finished capture. */
    static boolean complete(Path dir) {
        Path console = dir.resolve("console.txt");
        try {
            return Files.isRegularFile(console) && Files.isRegularFile(dir.resolve("memory.bin"))
                    && new String(Files.readAllBytes(console), StandardCharsets.ISO_8859_1).contains("\n@@done");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the capture in {@code dir}.
     *
     * @throws IllegalStateException when it is incomplete or does not parse
     */
    static Capture read(Path dir) {
        try {
            String text = new String(Files.readAllBytes(dir.resolve("console.txt")), StandardCharsets.ISO_8859_1);
            return parse(text, Files.readAllBytes(dir.resolve("memory.bin")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Capture parse(String console, byte[] memory) {
        List<String> lines = new ArrayList<>();
        for (String l : console.split("\n", -1)) {
            lines.add(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
        }
        String release = null;
        List<Insmod> insmods = new ArrayList<>();
        Map<String, List<String>> blocks = new HashMap<>();
        String block = null;
        boolean done = false;
        for (String l : lines) {
            if (block != null) {
                if (l.equals("@@end " + block)) {
                    block = null;
                } else {
                    blocks.get(block).add(l);
                }
                continue;
            }
            if (l.startsWith("@@modload-capture 1 ")) {
                release = l.substring("@@modload-capture 1 ".length());
            } else if (l.startsWith("@@insmod ")) {
                String[] w = l.split(" ", 4);
                insmods.add(new Insmod(w[2], w[1].equals("ok"), w.length > 3 ? w[3] : ""));
            } else if (l.startsWith("@@begin ")) {
                block = l.substring("@@begin ".length());
                blocks.put(block, new ArrayList<>());
            } else if (l.equals("@@done")) {
                done = true;
            }
        }
        if (release == null || !done || block != null) {
            throw new IllegalStateException("incomplete capture (release " + release + ", done " + done
                    + ", open block " + block + ")");
        }
        return new Capture(release, insmods, block(blocks, "modules"), sysfs(block(blocks, "sysfs")),
                kallsyms(block(blocks, "kallsyms")), kernelSymbols(block(blocks, "kernel-symbols")),
                block(blocks, "dmesg"), memory(block(blocks, "memory"), memory));
    }

    private static List<String> block(Map<String, List<String>> blocks, String name) {
        List<String> b = blocks.get(name);
        if (b == null) {
            throw new IllegalStateException("capture has no " + name + " block");
        }
        return List.copyOf(b);
    }

    private static Map<String, SysfsModule> sysfs(List<String> lines) {
        Map<String, SysfsModule> out = new LinkedHashMap<>();
        Map<String, String> attrs = null;
        Map<String, Long> sections = null;
        String name = null;
        for (String l : lines) {
            if (l.startsWith("@module ")) {
                if (name != null) {
                    out.put(name, module(name, attrs, sections));
                }
                name = l.substring("@module ".length());
                attrs = new HashMap<>();
                sections = new LinkedHashMap<>();
            } else if (l.startsWith("@")) {
                int sp = l.indexOf(' ');
                attrs.put(sp < 0 ? l.substring(1) : l.substring(1, sp), sp < 0 ? "" : l.substring(sp + 1));
            } else if (!l.isEmpty()) {
                String[] w = l.split(" ");
                sections.put(w[0], Long.parseUnsignedLong(w[1].substring(2), 16));
            }
        }
        if (name != null) {
            out.put(name, module(name, attrs, sections));
        }
        return out;
    }

    private static SysfsModule module(String name, Map<String, String> a, Map<String, Long> sections) {
        String holders = a.getOrDefault("holders", "").trim();
        return new SysfsModule(name, Long.parseLong(a.get("coresize")), Long.parseLong(a.get("initsize")),
                a.get("initstate"), a.get("refcnt"), a.getOrDefault("taint", ""),
                holders.isEmpty() ? List.of() : List.of(holders.split("\\s+")),
                Collections.unmodifiableMap(new LinkedHashMap<>(sections)));
    }

    private static Map<String, List<String>> kallsyms(List<String> lines) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String l : lines) {
            int open = l.lastIndexOf("\t[");
            if (open < 0 || !l.endsWith("]")) {
                continue;
            }
            out.computeIfAbsent(l.substring(open + 2, l.length() - 1), k -> new ArrayList<>()).add(l);
        }
        return out;
    }

    private static Map<String, Long> kernelSymbols(List<String> lines) {
        Map<String, Long> out = new HashMap<>();
        for (String l : lines) {
            String[] w = l.split(" ");
            if (w.length == 3) {
                out.putIfAbsent(w[2], Long.parseUnsignedLong(w[0], 16));
            }
        }
        return out;
    }

    private static Map<String, Dump> memory(List<String> lines, byte[] bytes) {
        Map<String, Dump> out = new LinkedHashMap<>();
        int at = 0;
        for (String l : lines) {
            if (l.startsWith("@failed ")) {
                continue;
            }
            String[] w = l.split(" ");
            int size = Integer.parseInt(w[2]);
            if (at + size > bytes.length) {
                throw new IllegalStateException("memory.bin ends at " + bytes.length + ", before " + w[0] + "'s "
                        + size + " bytes at " + at);
            }
            byte[] b = Arrays.copyOfRange(bytes, at, at + size);
            out.put(w[0], new Dump(w[0], Long.parseUnsignedLong(w[1].substring(2), 16), b));
            at += size;
        }
        if (at != bytes.length) {
            throw new IllegalStateException("memory.bin has " + bytes.length + " bytes, the memory lines " + at);
        }
        return out;
    }

    /** The /proc/modules line of {@code module}. */
    Optional<String> procModule(String module) {
        return procModules.stream().filter(l -> l.startsWith(module + " ")).findFirst();
    }
}
