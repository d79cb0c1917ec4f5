package org.modload.kernel.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Note;
import org.modload.loader.elf.ProgramHeader;
import org.modload.loader.elf.Segment;
import org.modload.loader.elf.Symbol;
import org.modload.loader.elf.SymbolVersion;

/** The text views of {@code modload elf}: one tab-separated line per entry, with a header line. */
final class ElfText {
    private ElfText() {
    }

    static void segments(ElfFile f, PrintWriter out) {
        out.println("index\ttype\tflags\toffset\tvaddr\tpaddr\tfilesz\tmemsz\talign");
        for (Segment s : f.segments()) {
            ProgramHeader h = s.header();
            out.printf("%d\t%s\t%s\t0x%x\t0x%x\t0x%x\t0x%x\t0x%x\t0x%x%n", s.index(), h.type().specName(f.machine()),
                    flags(h.flags()), h.offset(), h.vaddr(), h.paddr(), h.filesz(), h.memsz(), h.align());
        }
    }

    static void dynamicSymbols(ElfFile f, PrintWriter out) {
        out.println("index\tvalue\tsize\ttype\tbind\tvisibility\tshndx\tname\tversion");
        List<Optional<SymbolVersion>> versions = f.dynamicSymbolVersions();
        for (Symbol s : f.dynamicSymbols()) {
            String v = versions.get(s.index()).map(ElfText::version).orElse("");
            out.printf("%d\t0x%x\t%d\t%s\t%s\t%s\t%d\t%s\t%s%n", s.index(), s.value(), s.size(), s.type(), s.bind(),
                    s.visibility(), s.shndx(), s.name(), v);
        }
    }

    private static String version(SymbolVersion v) {
        return (v.needed() ? "needs " + v.name() + " from " + v.file() : v.name() + (v.hidden() ? " (hidden)" : ""))
                + " [" + v.index() + "]";
    }

    static void notes(ElfFile f, PrintWriter out) {
        out.println("offset\towner\ttype\tdescsz");
        for (Note n : f.notes()) {
            out.printf("0x%x\t%s\t%s\t0x%x%n", n.offset(), n.owner(), n.typeName(f.type()), n.descriptorSize());
        }
    }

    private static String flags(int f) {
        return ((f & 4) != 0 ? "R" : "-") + ((f & 2) != 0 ? "W" : "-") + ((f & 1) != 0 ? "X" : "-");
    }
}
