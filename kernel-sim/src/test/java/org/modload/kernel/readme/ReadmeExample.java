package org.modload.kernel.readme;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** The library example of README.md; {@code ReadmeExampleTest} checks the README shows exactly this. */
final class ReadmeExample {
    private ReadmeExample() {
    }

    static LoadedImage run(Path path, PrintStream out) throws IOException {
        // README-BEGIN
        ElfFile obj = ElfFile.parse(path.getFileName().toString(), ByteBuffer.wrap(Files.readAllBytes(path)));
        Architecture arch = Architectures.installed().require(obj.machine(), obj.name());
        Map<String, Long> kernel = Map.of("_printk", 0xffffffff81100000L);
        LoadedImage image = new LinkEngine(arch).link(obj, Profile.KERNEL,
                new LayoutPolicy.Linux(0xffffffffc0000000L),
                name -> Optional.ofNullable(kernel.get(name)).map(SymbolDefinition::at));
        for (PlacedSection p : image.plan().placed()) {
            out.printf("%-16s 0x%x %s%n", p.name(), p.address(), p.region());
        }
        // README-END
        return image;
    }
}
