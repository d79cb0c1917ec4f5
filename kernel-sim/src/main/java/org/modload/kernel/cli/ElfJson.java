package org.modload.kernel.cli;

import java.util.List;
import java.util.Optional;

import org.modload.loader.elf.CompressionHeader;
import org.modload.loader.elf.DynamicEntry;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.elf.Note;
import org.modload.loader.elf.ProgramHeader;
import org.modload.loader.elf.Relocation;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.elf.RelrSection;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.SectionHeader;
import org.modload.loader.elf.Segment;
import org.modload.loader.elf.Symbol;
import org.modload.loader.elf.SymbolVersion;

/**
 * Renders a parsed file in the shape {@code modload elf --json} promises: the keys {@code class},
 * {@code data}, {@code type}, {@code machine}, {@code sections}, {@code symbols} and
 * {@code relocations} as they always were, then {@code osabi} (EI_OSABI), {@code relr} (SHT_RELR sections with their
 * decoded addresses), {@code segments}, {@code dynsyms} (with
 * versions), {@code dynamic} and {@code notes}. A compressed section adds {@code compression};
 * MIPS64 relocations add {@code type2}, {@code type3} and {@code ssym}.
 */
final class ElfJson {
    private ElfJson() {
    }

    static String render(ElfFile f) {
        Machine m = f.machine();
        Json j = new Json().beginObject()
                .string("class", f.elfClass().name())
                .string("data", f.data().name())
                .string("type", f.header().type().specName())
                .string("machine", m.specName())
                .unsigned("osabi", f.header().osAbi());
        j.beginArray("sections");
        for (Section s : f.sections()) {
            SectionHeader h = s.header();
            j.beginObject().signed("index", s.index()).string("name", s.name())
                    .string("type", h.type().specName(m)).unsigned("flags", h.flags())
                    .unsigned("addr", h.addr()).unsigned("offset", h.offset()).unsigned("size", h.size())
                    .unsigned("link", Integer.toUnsignedLong(h.link())).unsigned("info", Integer.toUnsignedLong(h.info()))
                    .unsigned("addralign", h.addralign()).unsigned("entsize", h.entsize());
            if (s.compression().isPresent()) {
                CompressionHeader c = s.compression().get();
                j.beginObject("compression").string("type", c.type().specName()).unsigned("size", c.size())
                        .unsigned("addralign", c.addralign()).endObject();
            }
            j.endObject();
        }
        j.endArray();
        symbols(j, "symbols", f.symbols(), null);
        boolean mips64 = m.equals(Machine.EM_MIPS) && f.elfClass() == ElfClass.ELFCLASS64;
        j.beginArray("relocations");
        for (RelocationSection rs : f.relocationSections()) {
            for (Relocation r : rs.entries()) {
                j.beginObject().string("section", rs.section().name()).unsigned("offset", r.offset())
                        .signed("type", Integer.toUnsignedLong(r.type())).signed("symbol", Integer.toUnsignedLong(r.symbol()));
                if (r.addend().isPresent()) {
                    j.signed("addend", r.addend().getAsLong());
                } else {
                    j.nullValue("addend");
                }
                if (mips64) {
                    j.signed("type2", r.type2()).signed("type3", r.type3()).signed("ssym", r.specialSymbol());
                }
                j.endObject();
            }
        }
        j.endArray();
        j.beginArray("relr");
        for (RelrSection rs : f.relrSections()) {
            j.beginObject().string("section", rs.section().name()).signed("entries", rs.size());
            j.beginArray("offsets");
            for (long o : rs.offsets()) {
                j.value(o);
            }
            j.endArray().endObject();
        }
        j.endArray();
        j.beginArray("segments");
        for (Segment s : f.segments()) {
            ProgramHeader h = s.header();
            j.beginObject().signed("index", s.index()).string("type", h.type().specName(m))
                    .unsigned("flags", Integer.toUnsignedLong(h.flags())).unsigned("offset", h.offset())
                    .unsigned("vaddr", h.vaddr()).unsigned("paddr", h.paddr()).unsigned("filesz", h.filesz())
                    .unsigned("memsz", h.memsz()).unsigned("align", h.align()).endObject();
        }
        j.endArray();
        symbols(j, "dynsyms", f.dynamicSymbols(), f.dynamicSymbolVersions());
        j.beginArray("dynamic");
        for (DynamicEntry d : f.dynamic()) {
            j.beginObject().string("tag", d.tag().specName()).unsigned("value", d.value()).endObject();
        }
        j.endArray();
        j.beginArray("notes");
        for (Note n : f.notes()) {
            j.beginObject().string("owner", n.owner()).unsigned("type", Integer.toUnsignedLong(n.type()))
                    .string("type_name", n.typeName(f.type())).signed("descsz", n.descriptorSize())
                    .unsigned("offset", n.offset()).endObject();
        }
        j.endArray();
        return j.endObject().toString();
    }

    private static void symbols(Json j, String key, List<Symbol> symbols, List<Optional<SymbolVersion>> versions) {
        j.beginArray(key);
        for (Symbol s : symbols) {
            j.beginObject().signed("index", s.index()).string("name", s.name()).unsigned("value", s.value())
                    .unsigned("size", s.size()).string("type", s.type().specName()).string("bind", s.bind().specName())
                    .string("visibility", s.visibility().name()).signed("shndx", Integer.toUnsignedLong(s.shndx()));
            if (versions != null) {
                Optional<SymbolVersion> v = versions.get(s.index());
                if (v.isPresent()) {
                    SymbolVersion sv = v.get();
                    j.beginObject("version").string("name", sv.name()).signed("index", sv.index())
                            .bool("hidden", sv.hidden()).bool("needed", sv.needed()).bool("base", sv.base())
                            .string("file", sv.file()).endObject();
                } else {
                    j.nullValue("version");
                }
            }
            j.endObject();
        }
        j.endArray();
    }
}
