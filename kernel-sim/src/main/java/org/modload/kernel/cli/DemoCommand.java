package org.modload.kernel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.modload.kernel.BuiltinKernel;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.elf.Symbol;
import org.modload.loader.elf.SymbolBinding;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;
import org.modload.loader.spi.Profile;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code modload demo}: links the bundled sample modules, in dependency order, against the
 * built-in kernel symbol table of one architecture, each module seeing the globals of the ones
 * before it, and prints where everything went.
 */
@Command(name = "demo", description = "Load the bundled sample modules against the built-in kernel symbol table.")
final class DemoCommand implements Callable<Integer> {
    private static final List<String> SAMPLES = List.of("hello", "demo_core", "demo_user");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--arch", defaultValue = "x86_64", description = "x86_64 (default) or i386.")
    String arch;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Machine machine = switch (arch) {
            case "x86_64" -> Machine.EM_X86_64;
            case "i386" -> Machine.EM_386;
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--arch: x86_64 or i386");
        };
        Architecture a = Architectures.installed().require(machine, "demo");
        BuiltinKernel kernel = BuiltinKernel.forMachine(machine).orElseThrow();
        Map<String, Long> globals = new HashMap<>(kernel.symbols());
        out.printf("built-in %s kernel: %d symbols; module area at 0x%x%n", machine, kernel.symbols().size(),
                a.moduleAreaBase());
        long base = a.moduleAreaBase();
        LinkEngine engine = new LinkEngine(a);
        for (String name : SAMPLES) {
            ElfFile obj = sample(name);
            LoadedImage image = engine.link(obj, Profile.KERNEL, new LayoutPolicy.Linux(base),
                    n -> Optional.ofNullable(globals.get(n)).map(SymbolDefinition::at));
            long size = image.plan().coreSize() + image.plan().initSize();
            out.printf("%n%s: core 0x%x+0x%x, init 0x%x+0x%x%n", obj.name(), image.plan().coreBase(),
                    image.plan().coreSize(), image.plan().initBase(), image.plan().initSize());
            for (PlacedSection p : image.plan().placed()) {
                out.printf("  %-20s 0x%x  size 0x%x  %s%n", p.name(), p.address(), p.size(), p.region());
            }
            image.symbols().imported().forEach((n, d) -> out.printf("  imports %-18s = 0x%x%n", n, d.address()));
            for (Symbol s : obj.symbols()) {
                if (s.isInSection() && s.bind().equals(SymbolBinding.STB_GLOBAL)) {
                    globals.put(s.name(), image.symbols().value(s.index()));
                }
            }
            base = (base + size + 0xfffff) & ~0xfffffL;
        }
        return 0;
    }

    private ElfFile sample(String name) throws IOException {
        String resource = "/org/modload/kernel/samples/" + arch + "/" + name + ".ko";
        try (InputStream in = DemoCommand.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("bundled sample " + resource + " is missing");
            }
            return ElfFile.parse(name + ".ko", ByteBuffer.wrap(in.readAllBytes()));
        }
    }
}
