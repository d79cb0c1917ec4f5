package org.modload.loader.testing.exec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Relocation;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.elf.Symbol;

/**
 * One GOT/PLT-type relocation site of the input: where it is in its object and in the image.
 *
 * @param object the object's index in the link
 * @param objectName its file name
 * @param sectionIndex the section the relocation applies to
 * @param section that section's name
 * @param offset the place's offset in the section
 * @param place the place's address in the image
 * @param kind the relocation type
 * @param symbol the symbol referenced (a section symbol shown under its section's name)
 * @param addend the addend (explicit on x86_64; on i386 the 32-bit word at the place in the input)
 */
public record GotPltSite(int object, String objectName, int sectionIndex, String section, long offset, long place,
        SiteKind kind, Symbol symbol, long addend) {

    /** {@code file.o:(.text+0x1a) R_X86_64_PLT32 'printf'}, for messages. */
    public String where() {
        return String.format("%s:(%s+0x%x) %s '%s'", objectName, section, offset, kind, symbol.name());
    }

    /**
     * Every GOT/PLT-type site of {@code input} in an allocated section; a site whose section the
     * image did not place is a problem line instead.
     */
    public static List<GotPltSite> all(Abi abi, ObjectFiles input, LinkedImage image, List<String> problems) {
        List<GotPltSite> out = new ArrayList<>();
        List<ElfFile> objects = input.objects();
        for (int i = 0; i < objects.size(); i++) {
            ElfFile obj = objects.get(i);
            for (RelocationSection rs : obj.relocationSections()) {
                if (!rs.target().isAllocated()) {
                    continue;
                }
                OptionalLong base = image.sectionAddress(i, rs.target().index());
                for (Relocation r : rs.entries()) {
                    Optional<SiteKind> kind = SiteKind.of(abi, r.type());
                    if (kind.isEmpty()) {
                        continue;
                    }
                    if (base.isEmpty()) {
                        problems.add(String.format("%s:(%s+0x%x): section not placed", obj.name(),
                                rs.target().name(), r.offset()));
                        continue;
                    }
                    Symbol sym = obj.symbols().get(r.symbol());
                    String name = sym.name().isEmpty() && sym.isInSection() ? obj.section(sym.shndx()).name()
                            : sym.name();
                    Symbol shown = new Symbol(sym.index(), name, sym.value(), sym.size(), sym.type(), sym.bind(),
                            sym.visibility(), sym.other(), sym.rawShndx(), sym.shndx());
                    long addend = r.addend().isPresent() ? r.addend().getAsLong() : implicitAddend(rs, r);
                    out.add(new GotPltSite(i, obj.name(), rs.target().index(), rs.target().name(), r.offset(),
                            base.getAsLong() + r.offset(), kind.get(), shown, addend));
                }
            }
        }
        return List.copyOf(out);
    }

    /** SHT_REL (i386): the addend is the 32-bit word at the place in the input section. */
    private static long implicitAddend(RelocationSection rs, Relocation r) {
        ByteBuffer b = rs.target().bytes().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return b.getInt(Math.toIntExact(r.offset()));
    }
}
