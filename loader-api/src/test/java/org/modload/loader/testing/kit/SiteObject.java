package org.modload.loader.testing.kit;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.link.SymbolResolver;

/**
 * A one-relocation object for the plugin under test, written by {@link ElfWriter}: one section
 * (executable when named {@code .text...} or {@code .init.text...}, else writable data) pinned at
 * its address, one relocation, one symbol, and the resolver and layout to link it with. The ELF
 * header's e_flags are the first fixture's (ia64's ABI flags). Immutable.
 *
 * @param object the parsed object, named {@link #FILE}
 * @param bytes the object's bytes (for GNU ld)
 * @param resolver defines the vector's imported symbol
 * @param policy pins the section and the vector's tables
 */
record SiteObject(ElfFile object, ByteBuffer bytes, SymbolResolver resolver, LayoutPolicy policy) {
    /** The file name the kit's objects carry; refusals are located in it. */
    static final String FILE = "kit.o";
    private static final long SHF_WRITE = 0x1;
    private static final long SHF_ALLOC = 0x2;
    private static final long SHF_EXECINSTR = 0x4;
    private static final int STT_NOTYPE = 0;
    private static final int STT_OBJECT = 1;
    private static final int STT_FUNC = 2;
    private static final int STT_SECTION = 3;
    private static final int STB_LOCAL = 0;
    private static final int STB_GLOBAL = 1;

    static boolean executable(String section) {
        return section.startsWith(".text") || section.startsWith(".init.text");
    }

    /** The object of {@code v}, its type being number {@code type}. */
    static SiteObject of(KitContext ctx, Vector v, int type) {
        Vector.Site s = v.site();
        byte[] contents = new byte[s.bytes().capacity()];
        s.bytes().get(0, contents);
        boolean exec = executable(s.section());
        ElfWriter.SectionSpec section = new ElfWriter.SectionSpec(s.section(),
                SHF_ALLOC | (exec ? SHF_EXECINSTR : SHF_WRITE), 16, contents, false);
        ElfWriter.SymbolSpec sectionSymbol = new ElfWriter.SymbolSpec("", 0, 0, STT_SECTION, STB_LOCAL, 1);
        ElfWriter.SymbolSpec named;
        SymbolResolver resolver = name -> Optional.empty();
        if (s.symbol() instanceof Vector.Imported im) {
            named = new ElfWriter.SymbolSpec(im.name(), 0, 0, STT_NOTYPE, STB_GLOBAL, 0);
            SymbolDefinition d = new SymbolDefinition(im.address(), im.descriptor());
            resolver = name -> name.equals(im.name()) ? Optional.of(d) : Optional.empty();
        } else if (s.symbol() instanceof Vector.Defined df) {
            named = new ElfWriter.SymbolSpec(df.name(), df.offset(), df.size(), exec ? STT_FUNC : STT_OBJECT,
                    STB_GLOBAL, 1);
        } else if (s.symbol() instanceof Vector.Absolute ab) {
            named = new ElfWriter.SymbolSpec(ab.name(), ab.value(), 0, STT_NOTYPE, STB_GLOBAL, ElfWriter.SHN_ABS);
        } else {
            named = null;
        }
        int symbol = named == null ? 1 : 2;
        List<ElfWriter.SymbolSpec> symbols = named == null ? List.of(sectionSymbol) : List.of(sectionSymbol, named);
        ElfWriter w = new ElfWriter(ctx.plugin().machine(), ctx.plugin().elfClass(), ctx.plugin().byteOrder(),
                ctx.elfFlags(), ctx.spec().rela(), List.of(section), symbols,
                List.of(new ElfWriter.RelocationSpec(0, s.offset(), type, symbol, s.addend().orElse(0))));
        byte[] bytes = w.bytes();
        ElfFile obj = ElfFile.parse(FILE, ByteBuffer.wrap(bytes));
        Map<String, Long> pins = new java.util.HashMap<>(s.pins());
        pins.put(s.section(), s.address());
        return new SiteObject(obj, ByteBuffer.wrap(bytes).asReadOnlyBuffer(), resolver,
                new LayoutPolicy.Explicit(pins, 0));
    }

    /**
     * A 16-byte {@code .data} section at the plugin's module base with one relocation of number
     * {@code type} at offset 0 against the imported symbol {@code kit_sym}, for refusals.
     */
    static SiteObject refusal(KitContext ctx, int type) {
        Vector v = new Vector("refusal", "", org.modload.loader.spi.Profile.KERNEL, new Vector.Site(".data",
                ctx.plugin().moduleAreaBase(), ByteBuffer.allocate(16), 0,
                new Vector.Imported(REFUSAL_SYMBOL, ctx.plugin().moduleAreaBase() + 0x1000, Optional.empty()),
                ctx.spec().rela() ? java.util.OptionalLong.of(0) : java.util.OptionalLong.empty(), Map.of()),
                new Vector.Refuses(org.modload.loader.diag.RelocationException.Reason.UNSUPPORTED_TYPE,
                        java.util.OptionalLong.empty(), java.util.OptionalLong.empty(), java.util.OptionalLong.empty()));
        return of(ctx, v, type);
    }

    /** The symbol refusal objects reference. */
    static final String REFUSAL_SYMBOL = "kit_sym";
}
