package org.modload.arch.x86_64.readme;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;
import org.modload.loader.spi.Profile;

/** The README's JIT-style library example (between the markers), compiled and run by {@link JitExampleTest}. */
final class JitExample {
    /** Where the caller's memory takes the image: its own mapping at fixed addresses. */
    interface Memory {
        void copy(long address, ByteBuffer bytes);
    }

    private JitExample() {
    }

    /** Links gcc's objects at {@code base} against {@code libc}'s addresses; returns the entry point. */
    static long link(List<Path> paths, long base, Map<String, Long> libc, Memory memory) throws IOException {
        // README-JIT-BEGIN
        List<ElfFile> objects = new ArrayList<>();
        for (Path p : paths) {
            objects.add(ElfFile.parse(p.getFileName().toString(), ByteBuffer.wrap(Files.readAllBytes(p))));
        }
        Architecture arch = Architectures.installed().require(objects.get(0).machine(), objects.get(0).name());
        LoadedImage image = new LinkEngine(arch).link(objects, Profile.PERMISSIVE, new LayoutPolicy.Linux(base),
                name -> Optional.ofNullable(libc.get(name)).map(SymbolDefinition::at));
        for (PlacedSection p : image.plan().placed()) {
            memory.copy(p.address(), image.bytes(p)); // sections, GOT and stubs, each at its address
        }
        long entry = image.definedSymbol("main").orElseThrow().address();
        // README-JIT-END
        return entry;
    }
}
