package org.modload.loader.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.SectionFlags;
import org.modload.loader.elf.SectionType;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.SymbolResolver;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Profile;

/**
 * The differential oracle of DESIGN.md section 5.3: links an object with the engine (KERNEL
 * profile, Linux layout at the architecture's module base) and with GNU ld given the same section
 * addresses (a generated linker script pinning every allocated input section) and the same
 * values for every undefined symbol ({@code --defsym}, every name quoted), then compares every
 * placed section byte for byte.
 *
 * <p>ld is given a private copy of the object in which {@code SHF_MERGE} is cleared
 * ({@code objcopy --set-section-flags}), since ld merges such sections and a loader never does.
 * {@code .note.gnu.build-id}, which ld drops and which carries no relocations, is not compared.
 */
public final class LdDifferential {
    /** Sections ld drops on purpose; none carries relocations in a module. */
    private static final Set<String> NOT_COMPARED = Set.of(".note.gnu.build-id");

    private final Toolchain tools;
    private final boolean relax;

    private LdDifferential(Toolchain tools, boolean relax) {
        this.tools = tools;
        this.relax = relax;
    }

    /**
     * The same oracle with GNU ld's target-specific relaxations on (ld's default; without
     * {@code --no-relax}), for comparing the GOT-load relaxations of PERMISSIVE links.
     */
    public LdDifferential relaxing() {
        return new LdDifferential(tools, true);
    }

    /**
     * Links {@code object} with ld at the sections' addresses in {@code image} (its tables
     * left out: ld makes its own) and the imported symbols' values.
     */
    public LdImage linkAt(Path object, ElfFile obj, LoadedImage image, Path work) {
        Map<String, Long> layout = new LinkedHashMap<>();
        image.plan().placed().stream().filter(p -> !p.isTable()).forEach(p -> layout.put(p.name(), p.address()));
        Map<String, Long> symbols = new LinkedHashMap<>();
        image.symbols().imported().forEach((n, d) -> symbols.put(n, d.address()));
        return link(object, obj, layout, symbols, work);
    }

    /** The oracle with {@code tools} (the conformance kit names an architecture's binutils itself). */
    public static LdDifferential of(Toolchain tools) {
        return new LdDifferential(tools, false);
    }

    /** The oracle for {@code machine}; fails (CI) or skips (developer machine) when binutils is missing. */
    public static LdDifferential forMachine(Machine machine) {
        return new LdDifferential(Toolchain.forMachine(machine), false);
    }

    /** The GNU tools and ld emulation for one machine. */
    public record Toolchain(Path objcopy, Path ld, String emulation) {
        static Toolchain forMachine(Machine machine) {
            if (machine.equals(Machine.EM_X86_64)) {
                return new Toolchain(ExternalTools.require("objcopy", "binutils"),
                        ExternalTools.require("ld", "binutils"), "elf_x86_64");
            }
            if (machine.equals(Machine.EM_386)) {
                return new Toolchain(ExternalTools.require("objcopy", "binutils"),
                        ExternalTools.require("ld", "binutils"), "elf_i386");
            }
            if (machine.equals(Machine.EM_IA_64)) {
                return new Toolchain(ExternalTools.require("ia64-linux-gnu-objcopy", "binutils-ia64-linux-gnu"),
                        ExternalTools.require("ia64-linux-gnu-ld", "binutils-ia64-linux-gnu"), "elf64_ia64");
            }
            throw new IllegalArgumentException("no GNU ld oracle for " + machine);
        }
    }

    /**
     * What one comparison found.
     *
     * @param object the object's file name
     * @param sections the number of sections compared
     * @param bytes the number of bytes compared
     * @param relocations the number of relocation entries in allocated sections
     * @param differences one line per difference; empty when the images are identical
     */
    public record Comparison(String object, int sections, long bytes, long relocations, List<String> differences) {
        public Comparison {
            differences = List.copyOf(differences);
        }

        public boolean identical() {
            return differences.isEmpty();
        }
    }

    /**
     * Links {@code object} both ways and compares. An engine refusal propagates as the engine's
     * {@link org.modload.loader.diag.LoaderException}; an ld failure is a difference.
     *
     * @param work a scratch directory of this comparison's own (the copy, the script, ld's output)
     */
    public Comparison compare(Path object, Architecture arch, SymbolResolver resolver, Path work) {
        String name = object.getFileName().toString();
        ElfFile obj = ElfFile.parse(name, ByteBuffer.wrap(read(object)));
        LoadedImage image = new LinkEngine(arch).link(obj, Profile.KERNEL,
                new LayoutPolicy.Linux(arch.moduleAreaBase()), resolver);
        return compare(object, obj, image, work);
    }

    /**
     * Compares an image the caller linked (with any policy) against ld at the same addresses:
     * its placed sections and, pinned but not compared, its detached ones.
     */
    public Comparison compare(Path object, ElfFile obj, LoadedImage image, Path work) {
        List<String> differences = new ArrayList<>();
        Map<String, Integer> byName = new HashMap<>();
        for (PlacedSection p : image.plan().placed()) {
            if (p.isTable()) {
                if (p.size() > 0) {
                    differences.add(p.name() + ": synthesized table; ld has no counterpart to compare with");
                }
            } else if (byName.put(p.name(), p.sectionIndex()) != null) {
                differences.add(p.name() + ": two allocated sections of this name; a linker script cannot pin them apart");
            }
        }
        if (!differences.isEmpty()) {
            return new Comparison(obj.name(), 0, 0, 0, differences);
        }
        Map<String, Long> layout = new LinkedHashMap<>();
        image.plan().placed().stream().filter(p -> !p.isTable()).forEach(p -> layout.put(p.name(), p.address()));
        // Sections the policy detached (Linux's per-cpu data) are pinned too, so that ld gives their
        // symbols the same addresses; their bytes are not part of the image and are not compared.
        image.plan().detached().forEach(p -> layout.put(p.name(), p.address()));
        Map<String, Long> symbols = new LinkedHashMap<>();
        image.symbols().imported().forEach((n, d) -> symbols.put(n, d.address()));
        // The symbols the link defines (ia64's __gp) mean the same to ld.
        image.archSymbols().forEach(symbols::putIfAbsent);
        LdImage ld = link(object, obj, layout, symbols, work);
        if (ld.failure() != null) {
            return new Comparison(obj.name(), 0, 0, 0, List.of(ld.failure()));
        }
        return compareSections(obj, image, ld.output());
    }

    /**
     * What GNU ld made of an object: its output ELF, or why ld (or objcopy) failed.
     *
     * @param output ld's output, in which the input section of index {@code i} is the output
     *     section {@code .m<i>}; null when ld failed
     * @param failure the tool's exit status and standard error on one line; null on success
     */
    public record LdImage(ElfFile output, String failure) {
        /** The output section holding input section {@code index}, if ld kept it. */
        public Optional<Section> section(int index) {
            return output.section(".m" + index);
        }
    }

    /**
     * Links {@code object} with GNU ld: every allocated section named in {@code layout} pinned at
     * its address (one output section each, {@code .m<index>}), every symbol of {@code symbols}
     * defined with {@code --defsym}. For checking images made by others, such as
     * {@code modload link}'s output files.
     */
    public LdImage link(Path object, ElfFile obj, Map<String, Long> layout, Map<String, Long> symbols, Path work) {
        try {
            LdJob job = prepare(object, obj, layout, symbols, work);
            if (job.failure() != null) {
                return new LdImage(null, job.failure());
            }
            String ldError = run(job.command(), work);
            if (ldError != null) {
                return new LdImage(null, "ld failed: " + ldError);
            }
            return new LdImage(ElfFile.parseAnyType(name(job.output()),
                    ByteBuffer.wrap(Files.readAllBytes(job.output()))), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Links {@code object} as {@link #link} does but with GNU ld's relaxations on (GOTPCRELX,
     * REX_GOTPCRELX and GOT32X instructions rewritten where ld can), as an executable at fixed
     * addresses ({@code -no-pie}) or, where ld cannot relax a fixed-address x86_64 executable
     * above 2 GiB ("failed to convert GOTPCREL relocation"), as a PIE ({@code pie}). ld's output is
     * kept when other sites overflow ({@code --noinhibit-exec}): a branch to a far absolute symbol
     * needs a stub ld does not make for a static link, and only the relaxed sites are compared.
     */
    public LdImage linkRelaxing(Path object, ElfFile obj, Map<String, Long> layout, Map<String, Long> symbols,
            boolean pie, Path work) {
        try {
            LdJob job = prepare(object, obj, layout, symbols, work);
            if (job.failure() != null) {
                return new LdImage(null, job.failure());
            }
            List<String> command = new ArrayList<>();
            for (String arg : job.command()) {
                switch (arg) {
                    case "--no-relax" -> command.add("--noinhibit-exec");
                    case "-no-pie" -> {
                        // No interpreter: ld would want a PT_PHDR the pinned script leaves unloaded.
                        command.addAll(pie ? List.of("-pie", "--no-dynamic-linker") : List.of("-no-pie"));
                    }
                    default -> command.add(arg);
                }
            }
            Files.deleteIfExists(job.output()); // a file left by an earlier run must not pass for this one's
            String ldError = run(command, work);
            if (ldError != null && !Files.isRegularFile(job.output())) {
                return new LdImage(null, "ld failed: " + ldError);
            }
            if (pie) {
                // A PIE's dynamic relocations name .dynsym, which the validated parser refuses
                // for a relocation section; they are not compared, so they go.
                String strip = run(List.of(tools.objcopy().toString(), "--remove-section=.rela.dyn",
                        job.output().toString()), work);
                if (strip != null) {
                    return new LdImage(null, "objcopy failed: " + strip);
                }
            }
            return new LdImage(ElfFile.parseAnyType(name(job.output()),
                    ByteBuffer.wrap(Files.readAllBytes(job.output()))), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A prepared ld run: the private copy, the linker script and the {@code --defsym} response
     * file are written; {@code command} links them into {@code output}.
     *
     * @param failure why the copy could not be made (objcopy's exit and message), else null
     */
    public record LdJob(List<String> command, Path output, String failure) {
        public LdJob {
            command = List.copyOf(command);
        }

        /** Runs ld; null on success, else its exit status and standard error on one line. */
        public String run() {
            try {
                return LdDifferential.run(command, output.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Writes everything {@link #link} needs into {@code work}, without running ld (benchmarks run it). */
    public LdJob prepare(Path object, ElfFile obj, Map<String, Long> layout, Map<String, Long> symbols, Path work)
            throws IOException {
        Path copy = work.resolve("input.o");
        Path script = work.resolve("pin.ld");
        Path defsyms = work.resolve("defsym.args");
        Path out = work.resolve("ld.out");
        List<String> objcopy = new ArrayList<>();
        objcopy.add(tools.objcopy().toString());
        objcopy.addAll(objcopyArgs(obj));
        objcopy.add(object.toAbsolutePath().toString());
        objcopy.add(copy.toString());
        String copyError = run(objcopy, work);
        Files.writeString(script, linkerScript(obj, layout));
        Files.writeString(defsyms, defsymArguments(symbols));
        List<String> ld = new ArrayList<>(List.of(tools.ld().toString(), "-m", tools.emulation()));
        if (!relax) {
            ld.add("--no-relax");
        }
        ld.addAll(List.of("-no-pie", "-static", "--build-id=none", "-z", "noexecstack", "--no-warn-rwx-segments",
                "-e", "0", "-T", script.toString(), "-o", out.toString(), copy.toString(), "@" + defsyms));
        return new LdJob(ld, out, copyError == null ? null : "objcopy failed: " + copyError);
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }

    /** {@code --set-section-flags} for every allocated SHF_MERGE section: same kind, merge cleared. */
    static List<String> objcopyArgs(ElfFile obj) {
        Set<String> args = new LinkedHashSet<>();
        for (Section s : obj.sections()) {
            long f = s.header().flags();
            if (s.isAllocated() && (f & SectionFlags.SHF_MERGE) != 0) {
                StringBuilder flags = new StringBuilder("alloc,load,contents,data");
                if ((f & SectionFlags.SHF_WRITE) == 0) {
                    flags.append(",readonly");
                }
                if ((f & SectionFlags.SHF_EXECINSTR) != 0) {
                    flags.append(",code");
                }
                args.add("--set-section-flags=" + s.name() + "=" + flags);
            }
        }
        return List.copyOf(args);
    }

    /**
     * One output section per pinned allocated input section, {@code .m<index>}, at its address. A
     * name of {@code layout} that is no section of the object is one ld makes itself
     * ({@code .got}): it is pinned under its own name, so that ld does not put it where it likes.
     * {@code .modinfo} and {@code __versions}, when {@code layout} does not name them, are discarded.
     */
    static String linkerScript(ElfFile obj, Map<String, Long> layout) {
        StringBuilder sb = new StringBuilder("SECTIONS\n{\n");
        Set<String> names = new HashSet<>();
        for (Section s : obj.sections()) {
            names.add(s.name());
            Long address = layout.get(s.name());
            if (s.isAllocated() && address != null) {
                sb.append(String.format("  .m%d 0x%x : { *(%s) }%n", s.index(), address, scriptName(s.name())));
            }
        }
        layout.forEach((name, address) -> {
            if (!names.contains(name)) {
                sb.append(String.format("  %s 0x%x : { *(%s) }%n", name, address, scriptName(name)));
            }
        });
        // .modinfo and __versions, when the layout leaves them out, take no memory in the image
        // (Linux clears their SHF_ALLOC): discarded, so that ld's orphan placement cannot
        // overlap a pinned section; a pinned section relocated against one makes ld fail loudly.
        StringBuilder discard = new StringBuilder();
        for (Section s : obj.sections()) {
            if (s.isAllocated() && !layout.containsKey(s.name())
                    && (s.name().equals(".modinfo") || s.name().equals("__versions"))) {
                discard.append(" *(").append(scriptName(s.name())).append(')');
            }
        }
        if (discard.length() > 0) {
            sb.append("  /DISCARD/ : {").append(discard).append(" }\n");
        }
        return sb.append("}\n").toString();
    }

    /** An input section name in a linker script: the characters ld would read as a pattern are escaped. */
    private static String scriptName(String section) {
        StringBuilder sb = new StringBuilder();
        for (char c : section.toCharArray()) {
            if ("*?[]\\".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** {@code --defsym "name"=0xVALUE} for every symbol, as an ld response file. */
    static String defsymArguments(Map<String, Long> symbols) {
        StringBuilder sb = new StringBuilder();
        symbols.forEach((name, address) -> {
            // Response files take shell-like quoting: the single quotes keep ld's double quotes,
            // which make ld read the name as a symbol, never as a keyword or expression.
            sb.append("--defsym '\"").append(name).append(String.format("\"=0x%x'%n", address));
        });
        return sb.toString();
    }

    private static Comparison compareSections(ElfFile obj, LoadedImage image, ElfFile linked) {
        Map<String, Section> output = new HashMap<>();
        for (Section s : linked.sections()) {
            output.put(s.name(), s);
        }
        List<String> differences = new ArrayList<>();
        int sections = 0;
        long bytes = 0;
        for (PlacedSection p : image.plan().placed()) {
            if (p.size() == 0 || NOT_COMPARED.contains(p.name())) {
                continue;
            }
            Section ours = obj.section(p.sectionIndex());
            Section theirs = output.get(".m" + p.sectionIndex());
            String where = p.name() + " (section " + p.sectionIndex() + ")";
            if (theirs == null) {
                differences.add(where + ": missing from ld's output");
                continue;
            }
            if (theirs.header().addr() != p.address() || theirs.size() != p.size()) {
                differences.add(String.format("%s: engine 0x%x+0x%x, ld 0x%x+0x%x", where, p.address(), p.size(),
                        theirs.header().addr(), theirs.size()));
                continue;
            }
            ByteBuffer mine = image.bytes(p);
            boolean nobits = theirs.type().equals(SectionType.SHT_NOBITS);
            if (nobits != ours.type().equals(SectionType.SHT_NOBITS)) {
                differences.add(where + ": engine " + ours.type() + ", ld " + theirs.type());
                continue;
            }
            ByteBuffer ld = theirs.bytes();
            int size = Math.toIntExact(p.size());
            for (int i = 0; i < size; i++) {
                byte expected = nobits ? 0 : ld.get(i);
                if (mine.get(i) != expected) {
                    differences.add(String.format("%s+0x%x: engine %s, ld %s", where, i, hex(mine, i, size),
                            nobits ? "zeros" : hex(ld, i, size)));
                    break;
                }
            }
            sections++;
            bytes += size;
        }
        long relocations = obj.relocationSections().stream()
                .filter(r -> image.plan().section(r.target().index()).isPresent())
                .mapToLong(r -> r.size()).sum();
        return new Comparison(obj.name(), sections, bytes, relocations, differences);
    }

    /** Up to 8 bytes from {@code at}, hex. */
    private static String hex(ByteBuffer b, int at, int size) {
        StringBuilder sb = new StringBuilder();
        for (int i = at; i < Math.min(size, at + 8); i++) {
            sb.append(String.format("%02x", b.get(i) & 0xff));
        }
        return sb.toString();
    }

    /** Runs a tool; null on success, else its exit status and standard error on one line. */
    private static String run(List<String> command, Path dir) throws IOException {
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return "timed out: " + command.get(0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return "interrupted: " + command.get(0);
        }
        if (p.exitValue() == 0) {
            return null;
        }
        String text = Files.readString(err, StandardCharsets.UTF_8).strip().replace('\n', ' ');
        return name(Path.of(command.get(0))) + " exited " + p.exitValue() + ": " + text;
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a scratch directory made for {@link #compare}. */
    public static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
