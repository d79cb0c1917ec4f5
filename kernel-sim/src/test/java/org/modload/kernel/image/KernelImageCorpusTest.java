package org.modload.kernel.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;
import org.modload.kernel.Corpora;
import org.modload.loader.testing.ExternalTools;

/**
 * The exports read from Debian's real {@code vmlinuz} images agree with independent oracles:
 * <ul>
 * <li>the {@code vmlinux} lines of the headers package's {@code Module.symvers} (written by
 *     modpost at build time): the same set of (name, CRC, GPL-only, namespace), exactly;</li>
 * <li>GNU objdump, disassembling a vmlinux that its payload's own tool ({@code xz}, {@code zstd}) decompressed: well-known
 *     traceable functions begin with {@code call} to the address read for {@code __fentry__}
 *     (CONFIG_FUNCTION_TRACER), and so do most exports in {@code .text};</li>
 * <li>the kernel's own layout: function exports lie in {@code .text}, {@code jiffies} is
 *     {@code jiffies_64} (an alias in arch/x86/kernel/vmlinux.lds.S) in writable data, and every
 *     address lies inside an allocated section.</li>
 * </ul>
 * Run with {@code mvn -pl kernel-sim test -Pcorpus -Dmodload.corpus=DIR -Dtest=KernelImageCorpusTest};
 * prints one line per flavour: {@code kernel exports: amd64 10487 (4972 + 5515 GPL-only), ...}.
 */
@Tag("corpus")
class KernelImageCorpusTest {
    /** {@code endbr64}, the landing pad CONFIG_X86_KERNEL_IBT puts before an indirectly callable function's code. */
    private static final byte[] ENDBR64 = {(byte) 0xf3, 0x0f, 0x1e, (byte) 0xfa};

    /** Traceable, so each starts with the 5-byte {@code call __fentry__} (after endbr64 with IBT). */
    private static final List<String> TRACED = List.of("_printk", "vprintk", "kfree", "__kmalloc",
            "kmem_cache_alloc", "vmalloc", "vfree", "msleep", "schedule_timeout", "misc_register",
            "register_chrdev_region");
    private static final Pattern CALL = Pattern.compile("^\\s*([0-9a-f]+):\\s+e8(?: [0-9a-f]{2}){4}\\s+call\\s+(?:0x)?([0-9a-f]+)",
            Pattern.MULTILINE);

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "686", "trixie-amd64"})
    void exportsAgreeWithModuleSymversAndDisassembly(String flavour) throws IOException {
        Path corpus = ExternalTools.corpus(flavour);
        Path vmlinuz = only(corpus.resolve("root/boot"), "vmlinuz-");
        Path symvers = only(corpus.resolve("root/usr/src"), "linux-headers-").resolve("Module.symvers");

        long start = System.nanoTime();
        KernelImage image = KernelImage.read(vmlinuz);
        long nanos = System.nanoTime() - start;

        // Oracle 1: Module.symvers, the build's own record of vmlinux's exports.
        Set<String> expected = symversOfVmlinux(symvers);
        Set<String> actual = new HashSet<>();
        for (KernelExport e : image.exports()) {
            actual.add(row(e.name(), e.crc(), e.gplOnly(), e.namespace()));
        }
        Set<String> matched = new HashSet<>(actual);
        matched.retainAll(expected);
        long gpl = image.exports().stream().filter(KernelExport::gplOnly).count();
        System.out.printf("kernel exports: %s %d (%d + %d GPL-only, %d namespaced), %d/%d match Module.symvers,"
                + " read in %.2f s%n", flavour, image.exports().size(), image.exports().size() - gpl, gpl,
                image.exports().stream().filter(KernelExport::hasNamespace).count(), matched.size(),
                expected.size(), nanos / 1e9);
        assertEquals(actual.size(), image.exports().size(), flavour + ": duplicate rows");
        if (!actual.equals(expected)) {
            fail(flavour + ": vmlinuz and Module.symvers differ; only in vmlinuz: " + firstFew(actual, expected)
                    + "; only in Module.symvers: " + firstFew(expected, actual));
        }
        assertTrue(image.modversions());

        // Every address lies in an allocated section (per-CPU ones in .data..percpu, at 0 on x86_64).
        List<String> outside = new ArrayList<>();
        for (KernelExport e : image.exports()) {
            if (image.sectionAt(e.address()).isEmpty()) {
                outside.add(e.name() + "@0x" + Long.toHexString(e.address()));
            }
        }
        assertTrue(outside.isEmpty(), flavour + ": " + outside.size() + " exports outside every allocated section: "
                + outside.stream().limit(10).toList());

        // Functions in .text, data out of it.
        KernelSection printk = section(image, "_printk");
        assertEquals(".text", printk.name());
        assertTrue(printk.executable());
        KernelSection jiffies = section(image, "jiffies");
        assertFalse(jiffies.executable(), "jiffies is in " + jiffies.name());
        assertTrue(jiffies.writable(), "jiffies is in " + jiffies.name());
        assertEquals(export(image, "jiffies_64").address(), export(image, "jiffies").address(),
                "jiffies is an alias of jiffies_64");

        // Oracle 2: objdump on a copy decompressed by the payload's own tool (xz for Debian 12, zstd for 13).
        ExternalTools.require("objdump", "binutils");
        Path vmlinux = Files.write(tmp.resolve("vmlinux"), Corpora.vmlinux(vmlinuz));
        long fentry = export(image, "__fentry__").address();
        for (String name : TRACED) {
            long at = tracedExport(image, name).address();
            // With CONFIG_X86_KERNEL_IBT (Debian 13) the call follows the 4-byte endbr64 landing pad.
            String asm = ExternalTools.run(List.of("objdump", "-d", "--start-address=0x" + Long.toHexString(at),
                    "--stop-address=0x" + Long.toHexString(at + ENDBR64.length + 5), vmlinux.toString()));
            Matcher m = CALL.matcher(asm);
            assertTrue(m.find(), flavour + ": " + name + " at 0x" + Long.toHexString(at)
                    + " does not start with a call:\n" + asm);
            long callAt = Long.parseUnsignedLong(m.group(1), 16);
            assertTrue(callAt == at || callAt == at + ENDBR64.length && asm.contains("endbr64"),
                    flavour + ": " + name + " calls at 0x" + Long.toHexString(callAt) + ":\n" + asm);
            assertEquals(Long.toHexString(fentry), m.group(2), flavour + ": " + name + " calls 0x" + m.group(2)
                    + ", not __fentry__");
        }
        double traced = fractionCallingFentry(image, vmlinux, fentry);
        assertTrue(traced > 0.8, flavour + ": only " + traced + " of the .text exports start with call __fentry__");
    }

    private static boolean startsWith(ByteBuffer b, int at, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (b.get(at + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The share of exports in {@code .text} whose first instruction (after {@code endbr64}, if
     * any) is {@code e8 rel32} reaching {@code fentry}.
     */
    private static double fractionCallingFentry(KernelImage image, Path vmlinux, long fentry) throws IOException {
        try (FileChannel ch = FileChannel.open(vmlinux, StandardOpenOption.READ)) {
            ByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            ElfFile elf = ElfFile.parseAnyType(vmlinux.getFileName().toString(), map);
            Section text = elf.section(".text").orElseThrow();
            ByteBuffer bytes = text.bytes();
            long base = text.header().addr();
            long mask = image.elfClass() == ElfClass.ELFCLASS32 ? 0xffffffffL : -1L;
            int inText = 0;
            int calling = 0;
            for (KernelExport e : image.exports()) {
                long off = e.address() - base;
                if (Long.compareUnsigned(off, text.size() - 5 - ENDBR64.length) < 0) {
                    inText++;
                    int o = (int) off;
                    if (startsWith(bytes, o, ENDBR64)) {
                        o += ENDBR64.length;
                    }
                    if ((bytes.get(o) & 0xff) == 0xe8 && ((base + o + 5 + bytes.getInt(o + 1)) & mask) == fentry) {
                        calling++;
                    }
                }
            }
            assertTrue(inText > 1000, "only " + inText + " exports in .text");
            return (double) calling / inText;
        }
    }

    /** {@code name crc gpl namespace} of each {@code vmlinux} line of Module.symvers. */
    private static Set<String> symversOfVmlinux(Path symvers) throws IOException {
        Set<String> rows = new HashSet<>();
        for (String line : Files.readAllLines(symvers, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", -1);
            assertEquals(5, f.length, symvers + ": " + line);
            if (f[2].equals("vmlinux")) {
                boolean gpl = switch (f[3]) {
                    case "EXPORT_SYMBOL" -> false;
                    case "EXPORT_SYMBOL_GPL" -> true;
                    default -> throw new AssertionError(symvers + ": export type " + f[3]);
                };
                assertTrue(f[0].startsWith("0x"), line);
                assertTrue(rows.add(row(f[1], Integer.parseUnsignedInt(f[0].substring(2), 16), gpl, f[4])), line);
            }
        }
        assertTrue(rows.size() > 1000, symvers + ": only " + rows.size() + " vmlinux exports");
        return rows;
    }

    private static String row(String name, int crc, boolean gpl, String namespace) {
        return String.format("%s 0x%08x %s %s", name, crc, gpl ? "EXPORT_SYMBOL_GPL" : "EXPORT_SYMBOL", namespace);
    }

    private static List<String> firstFew(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d.stream().limit(10).toList();
    }

    /**
     * {@code name}, or where Linux 6.10's allocation profiling renamed the exported allocator
     * ({@code __kmalloc} is a macro for {@code __kmalloc_noprof} in 6.12), its {@code _noprof} export.
     */
    private static KernelExport tracedExport(KernelImage image, String name) {
        return image.export(name).or(() -> image.export(name + "_noprof"))
                .orElseThrow(() -> new AssertionError(image + " exports neither " + name + " nor " + name + "_noprof"));
    }

    private static KernelExport export(KernelImage image, String name) {
        return image.export(name).orElseThrow(() -> new AssertionError(image + " does not export " + name));
    }

    private static KernelSection section(KernelImage image, String name) {
        long at = export(image, name).address();
        return image.sectionAt(at).orElseThrow(() -> new AssertionError(name + " is in no section"));
    }

    private static Path only(Path dir, String prefix) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
            assertEquals(1, found.size(), dir + ": " + prefix + "*: " + found);
            return found.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
