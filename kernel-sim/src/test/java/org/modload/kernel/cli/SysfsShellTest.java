package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/**
 * {@code modload shell}'s /sys/module view of our per-cpu fixture in the built-in x86_64 kernel
 * (it imports {@code _printk} and points to {@code kmalloc_caches} and {@code __preempt_count}), against what Debian's own amd64 kernel printed for the same
 * module (the committed capture of {@code RealKernelCaptureTest}): the section names, sorted as
 * {@code ls -a} sorts them, the core and init sizes, the use count, and the taint letters of a
 * module that is out of tree and unsigned (the real kernel adds F only for modversions, which the
 * built-in kernel has not).
 */
class SysfsShellTest {
    private static final Path FIXTURE = Path.of(
            "src/test/resources/org/modload/kernel/realkernel/fixture/amd64/percpu_demo.ko");
    private static final Path CAPTURE = Path.of(
            "src/test/resources/org/modload/kernel/realkernel/capture/amd64/console.txt");

    private static String shell(String script) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(new String[] {"shell"}, new PrintWriter(out, true), new PrintWriter(err, true),
                new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)));
        assertEquals(0, status, err.toString());
        return out.toString();
    }

    /** The lines the real kernel printed for percpu_demo between {@code @module} and the next module. */
    private static List<String> captured() throws IOException {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String l : Files.readAllLines(CAPTURE, StandardCharsets.ISO_8859_1)) {
            String line = l.replace("\r", "");
            if (line.startsWith("@module ")) {
                in = line.equals("@module percpu_demo");
            } else if (line.startsWith("@@end sysfs")) {
                in = false;
            } else if (in) {
                out.add(line);
            }
        }
        return out;
    }

    @Test
    void sectionsSizesAndCountsAsTheRealKernelPrintsThem() throws IOException {
        List<String> real = captured();
        TreeSet<String> realSections = new TreeSet<>();
        String coresize = null;
        String initsize = null;
        String refcnt = null;
        for (String l : real) {
            String[] w = l.split(" ", 2);
            switch (w[0]) {
                case "@coresize" -> coresize = w[1];
                case "@initsize" -> initsize = w[1];
                case "@refcnt" -> refcnt = w[1];
                default -> {
                    if (!w[0].startsWith("@")) {
                        realSections.add(w[0]);
                    }
                }
            }
        }
        String out = shell(String.join("\n", "insmod " + FIXTURE, "ls -a /sys/module/percpu_demo/sections",
                "cat /sys/module/percpu_demo/coresize", "cat /sys/module/percpu_demo/initsize",
                "cat /sys/module/percpu_demo/refcnt", "cat /sys/module/percpu_demo/taint",
                "ls /sys/module/percpu_demo/holders", "cat /sys/module/percpu_demo/initstate", ""));
        List<String> expected = new ArrayList<>(List.of(".", ".."));
        expected.addAll(realSections);
        expected.addAll(List.of(coresize, initsize, refcnt, "OE", "live"));
        assertEquals(expected, out.lines().toList());
    }

    @Test
    void aSectionFileHoldsItsAddressAtPointerWidth() {
        String out = shell(String.join("\n", "insmod " + FIXTURE, "cat /sys/module/percpu_demo/sections/.text",
                "cat /proc/modules", ""));
        List<String> lines = out.lines().toList();
        String base = lines.get(1).split(" ")[5];
        assertEquals(base, lines.get(0), "core starts with .text");
    }
}
