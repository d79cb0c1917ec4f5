package org.modload.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.modload.loader.diag.LoaderException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Symbol;
import org.modload.loader.link.AppliedRelocation;
import org.modload.loader.link.DefinedSymbol;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.RelocationListener;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.reloc.Operands;
import org.modload.loader.reloc.Term;
import org.modload.loader.spi.Applied;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;
import org.modload.loader.spi.EntryNeed;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.RelocationSite;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code modload link}: links one or several objects into one image at fixed addresses and writes
 * {@code layout.tsv}, {@code symbols.tsv} (the imported symbols' values), {@code defined.tsv}
 * (the global symbols the objects define, with address, size, type and binding) and one
 * {@code .bin} per placed section or table. With several objects, sections are named
 * {@code file:section} (files {@code file_section.bin}). {@code --trace} shows how each relocation
 * got its value ({@link Trace}).
 */
@Command(name = "link", mixinStandardHelpOptions = true, version = "modload 0.1.0", description = "Link objects at fixed addresses and write the image.")
final class LinkCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "OBJ", arity = "1..*", description = "The object files (.o or .ko), linked into one image.")
    List<Path> objects;

    @Option(names = "--layout", paramLabel = "FILE", description = "Pin sections: 'section<TAB>0xADDR' lines.")
    Path layout;

    @Option(names = "--symbols", paramLabel = "FILE",
            description = "Undefined symbols: 'name<TAB>0xADDR', 'name<TAB>0xDESC<TAB>0xIP<TAB>0xGP' or System.map lines.")
    Path symbols;

    @Option(names = "--base", paramLabel = "ADDR", description = "Where the Linux layout starts (default: the architecture's module area;"
            + " with --layout, right after the pinned sections).")
    String base;

    @Option(names = "--profile", paramLabel = "PROFILE", defaultValue = "KERNEL",
            description = "KERNEL (the Linux loader's rules, default) or PERMISSIVE.")
    Profile profile;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output directory.")
    Path out;

    @Option(names = "--trace", paramLabel = "FILE", description = "Write one JSON line per applied relocation to FILE"
            + " ('-': standard output): section, offset, type, formula, S, A, P, the table entry, value, bytes before and"
            + " after; on a failing link, the lines up to the failure and one for the refused relocation.")
    Path trace;

    @Override
    public Integer call() throws IOException {
        List<ElfFile> objs = new ArrayList<>();
        for (Path p : objects) {
            objs.add(Inputs.object(p));
        }
        ElfFile obj = objs.get(0);
        Architecture arch = Architectures.installed().require(obj.machine(), obj.name());
        Long start = base == null ? null : AddressFiles.parseAddress(base, Path.of("--base"), 1);
        // With pins and no --base, the rest follows the pinned sections; --base is a floor.
        LayoutPolicy policy = layout == null ? new LayoutPolicy.Linux(start == null ? arch.moduleAreaBase() : start)
                : new LayoutPolicy.Explicit(AddressFiles.layout(layout), start == null ? 0 : start);
        Map<String, SymbolDefinition> map = symbols == null ? Map.of() : AddressFiles.symbols(symbols);
        LoadedImage image;
        if (trace == null) {
            image = new LinkEngine(arch).link(objs, profile, policy, name -> Optional.ofNullable(map.get(name)));
        } else {
            boolean stdout = trace.toString().equals("-");
            PrintWriter lines;
            try {
                lines = stdout ? spec.commandLine().getOut()
                        : new PrintWriter(Files.newBufferedWriter(trace, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw Inputs.cannotWrite("--trace", trace, e);
            }
            try {
                image = new LinkEngine(arch).link(objs, profile, policy, name -> Optional.ofNullable(map.get(name)),
                        new Trace(lines));
            } finally {
                lines.flush();
                if (!stdout) {
                    lines.close();
                }
            }
        }
        try {
            write(objs, image);
        } catch (IOException e) {
            throw Inputs.cannotWrite("--out", out, e);
        }
        return 0;
    }

    /**
     * The trace of {@code --trace}: one JSON object per line and relocation, in the order the
     * engine applies them. Addresses and values are hex strings (64 bits, two's complement), A a
     * signed number; the entry is the GOT word, stub, PLT entry or descriptor the table rule gave
     * the site; {@code relaxed} names the row a relaxation applied instead of the site's own.
     */
    static final class Trace implements RelocationListener {
        private final PrintWriter out;

        Trace(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void applied(AppliedRelocation r) {
            Json j = common(r.site(), r.applied());
            j.string("bytes_at", hex(r.bytesOffset())).string("before", bytes(r.before())).string("after", bytes(r.after()));
            out.println(j.endObject());
        }

        @Override
        public void refused(RelocationSite site, Applied applied, LoaderException error) {
            out.println(common(site, applied).string("error", error.getMessage()).endObject());
        }

        private static Json common(RelocationSite site, Applied a) {
            Operands o = a.operands();
            Json j = new Json().beginObject().string("file", site.file()).string("section", site.target().name())
                    .string("offset", hex(site.offset())).string("type", site.typeName())
                    .string("symbol", site.symbolName());
            if (a.relaxed()) {
                j.string("relaxed", a.row().name());
            }
            j.string("formula", a.row().formula().text()).string("S", hex(o.s())).signed("A", o.a())
                    .string("P", hex(o.p()));
            if (a.row().formula().uses().contains(Term.Z)) {
                j.signed("Z", o.z());
            }
            o.got().ifPresent(g -> j.string("GOT", hex(g)));
            o.gp().ifPresent(g -> j.string("GP", hex(g)));
            if (a.need() instanceof EntryNeed en) {
                j.beginObject("entry").string("table", en.kind().table()).string("address", hex(o.entry().orElseThrow()))
                        .endObject();
            } else {
                j.nullValue("entry");
            }
            return j.string("value", hex(a.value()));
        }

        private static String bytes(ByteBuffer b) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < b.capacity(); i++) {
                sb.append(String.format("%02x", b.get(i) & 0xff));
            }
            return sb.toString();
        }
    }

    private void write(List<ElfFile> objs, LoadedImage image) throws IOException {
        Files.createDirectories(out);
        StringBuilder layoutTsv = new StringBuilder();
        for (PlacedSection p : image.plan().placed()) {
            String name = objs.size() > 1 && !p.isTable() ? objs.get(p.object()).name() + ":" + p.name() : p.name();
            layoutTsv.append(name).append('\t').append(hex(p.address())).append('\n');
            writeBin(out.resolve(name.replace('/', '_').replace(':', '_') + ".bin"), image.bytes(p));
        }
        image.archSymbols().forEach((n, a) -> layoutTsv.append(n).append('\t').append(hex(a)).append('\n'));
        Files.writeString(out.resolve("layout.tsv"), layoutTsv);
        Map<String, Long> undefined = new LinkedHashMap<>();
        for (int o = 0; o < objs.size(); o++) {
            for (Symbol s : objs.get(o).symbols()) {
                if (s.isUndefined() && !s.name().isEmpty() && !image.definedSymbol(s.name()).isPresent()) {
                    undefined.putIfAbsent(s.name(), image.symbols().value(o, s.index()));
                }
            }
        }
        StringBuilder symbolsTsv = new StringBuilder();
        undefined.forEach((n, a) -> symbolsTsv.append(n).append('\t').append(hex(a)).append('\n'));
        Files.writeString(out.resolve("symbols.tsv"), symbolsTsv);
        StringBuilder definedTsv = new StringBuilder();
        for (DefinedSymbol d : image.definedSymbols()) {
            definedTsv.append(d.name()).append('\t').append(hex(d.address())).append('\t').append(d.size()).append('\t')
                    .append(d.type()).append('\t').append(d.binding()).append('\n');
        }
        Files.writeString(out.resolve("defined.tsv"), definedTsv);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static void writeBin(Path file, ByteBuffer bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
        }
    }
}
