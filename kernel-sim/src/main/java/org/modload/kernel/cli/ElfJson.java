package org.modload.kernel.cli;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.elf.Relocation;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.SectionHeader;
import org.modload.loader.elf.Symbol;

/** Renders a parsed object in the shape {@code modload elf --json} promises. */
final class ElfJson {
    private ElfJson() {
    }

    static String render(ElfFile f) {
        Machine m = f.machine();
        Json j = new Json().beginObject()
                .string("class", f.elfClass().name())
                .string("data", f.data().name())
                .string("type", f.header().type().specName())
                .string("machine", m.specName());
        j.beginArray("sections");
        for (Section s : f.sections()) {
            SectionHeader h = s.header();
            j.beginObject().signed("index", s.index()).string("name", s.name())
                    .string("type", h.type().specName(m)).unsigned("flags", h.flags())
                    .unsigned("addr", h.addr()).unsigned("offset", h.offset()).unsigned("size", h.size())
                    .unsigned("link", Integer.toUnsignedLong(h.link())).unsigned("info", Integer.toUnsignedLong(h.info()))
                    .unsigned("addralign", h.addralign()).unsigned("entsize", h.entsize()).endObject();
        }
        j.endArray();
        j.beginArray("symbols");
        for (Symbol s : f.symbols()) {
            j.beginObject().signed("index", s.index()).string("name", s.name()).unsigned("value", s.value())
                    .unsigned("size", s.size()).string("type", s.type().specName()).string("bind", s.bind().specName())
                    .string("visibility", s.visibility().name()).signed("shndx", s.shndx()).endObject();
        }
        j.endArray();
        j.beginArray("relocations");
        for (RelocationSection rs : f.relocationSections()) {
            for (Relocation r : rs.entries()) {
                j.beginObject().string("section", rs.section().name()).unsigned("offset", r.offset())
                        .signed("type", Integer.toUnsignedLong(r.type())).signed("symbol", r.symbol());
                if (r.addend().isPresent()) {
                    j.signed("addend", r.addend().getAsLong());
                } else {
                    j.nullValue("addend");
                }
                j.endObject();
            }
        }
        j.endArray();
        return j.endObject().toString();
    }
}
