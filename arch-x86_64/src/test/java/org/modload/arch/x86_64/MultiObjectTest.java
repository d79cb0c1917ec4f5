package org.modload.arch.x86_64;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.loader.diag.DuplicateSymbolException;
import org.modload.loader.diag.UnresolvedSymbolException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Symbol;
import org.modload.loader.elf.SymbolBinding;
import org.modload.loader.elf.SymbolType;
import org.modload.loader.link.DefinedSymbol;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.spi.Profile;
import org.modload.loader.testing.RelocationFixtures;

/**
 * Several objects in one link, as ld and JITLink link them: one object's definitions satisfy
 * another's references before the resolver is asked, a strong definition beats a weak one, two
 * strong ones are refused, and every unresolved symbol is reported at once. Expected addresses
 * come from the layout's section placement and the objects' own st_value, not from the
 * engine's symbol values.
 */
class MultiObjectTest {
    private static final X86_64Architecture ARCH = new X86_64Architecture();

    @TempDir
    Path work;

    private ElfFile parse(String name) {
        return RelocationFixtures.parse(Fixture.copy(name, work));
    }

    private static long address(LoadedImage image, int object, ElfFile obj, String symbol) {
        Symbol s = obj.symbols().stream().filter(x -> x.name().equals(symbol) && !x.isUndefined()).findFirst()
                .orElseThrow();
        return image.plan().section(object, s.shndx()).orElseThrow().address() + s.value();
    }

    @Test
    void definitionsOfOneObjectSatisfyTheOther() {
        ElfFile a = parse("x86_64-multi-a.o");
        ElfFile b = parse("x86_64-multi-b.o");
        List<String> asked = new ArrayList<>();
        LoadedImage image = new LinkEngine(ARCH).link(List.of(a, b), Profile.PERMISSIVE,
                new LayoutPolicy.Linux(0x400000), name -> {
                    asked.add(name);
                    return RelocationFixtures.resolver(Map.of("ext", 0x500000L)).resolve(name);
                });
        assertEquals(List.of("ext"), asked, "the resolver is asked only for what no object defines");
        long g = address(image, 1, b, "g");
        long w = address(image, 1, b, "w");
        long f = address(image, 0, a, "f");
        ByteBuffer text = image.sectionBytes(0, a.section(".text").orElseThrow().index()).orElseThrow()
                .order(ByteOrder.LITTLE_ENDIAN);
        // call g@PLT at f+0: e8 rel32, next instruction at f+5.
        assertEquals(g, f + 5 + text.getInt(1));
        // movq w@GOTPCREL(%rip): relaxed to mov $w (the image is low), b's strong w.
        assertEquals(0xc7, text.get(6) & 0xff);
        assertEquals(w, text.getInt(8));
        ByteBuffer data = image.sectionBytes(0, a.section(".data").orElseThrow().index()).orElseThrow()
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(g, data.getLong(8), "ptr = &g");
        // Sizes, types and bindings as the readelf dumps of the two objects show them.
        assertEquals(List.of(new DefinedSymbol("f", f, 18, SymbolType.STT_FUNC, SymbolBinding.STB_GLOBAL, 0),
                new DefinedSymbol("ptr", address(image, 0, a, "ptr"), 0, SymbolType.STT_NOTYPE, SymbolBinding.STB_GLOBAL,
                        0),
                new DefinedSymbol("g", g, 1, SymbolType.STT_FUNC, SymbolBinding.STB_GLOBAL, 1),
                new DefinedSymbol("w", w, 8, SymbolType.STT_OBJECT, SymbolBinding.STB_GLOBAL, 1)),
                image.definedSymbols());
    }

    @Test
    void twoStrongDefinitionsAreRefused() {
        ElfFile b = parse("x86_64-multi-b.o");
        ElfFile dup = parse("x86_64-multi-dup.o");
        DuplicateSymbolException e = assertThrows(DuplicateSymbolException.class, () -> new LinkEngine(ARCH)
                .link(List.of(b, dup), Profile.PERMISSIVE, new LayoutPolicy.Linux(0x400000), n -> java.util.Optional.empty()));
        int symtab = dup.symbolTable().orElseThrow().index();
        assertAll(() -> assertEquals("g", e.symbol()), () -> assertEquals("x86_64-multi-b.o", e.firstFile()),
                () -> assertEquals("x86_64-multi-dup.o: section header " + symtab
                        + " (.symtab): duplicate symbol 'g'; first defined in x86_64-multi-b.o", e.getMessage()));
    }

    @Test
    void everyUnresolvedSymbolIsReportedAtOnce() {
        ElfFile a = parse("x86_64-multi-a.o");
        ElfFile dup = parse("x86_64-multi-dup.o");
        UnresolvedSymbolException e = assertThrows(UnresolvedSymbolException.class, () -> new LinkEngine(ARCH)
                .link(List.of(a, dup), Profile.PERMISSIVE, new LayoutPolicy.Linux(0x400000), n -> java.util.Optional.empty()));
        int symtabA = a.symbolTable().orElseThrow().index();
        int symtabDup = dup.symbolTable().orElseThrow().index();
        assertEquals(List.of("ext", "missing_one", "missing_two"),
                e.missing().stream().map(UnresolvedSymbolException.Missing::symbol).toList());
        assertEquals("x86_64-multi-a.o: section header " + symtabA + " (.symtab): undefined symbol 'ext'\n"
                + "x86_64-multi-dup.o: section header " + symtabDup + " (.symtab): undefined symbol 'missing_one'\n"
                + "x86_64-multi-dup.o: section header " + symtabDup + " (.symtab): undefined symbol 'missing_two'\n"
                + "3 undefined symbols", e.getMessage());
    }
}
