package org.modload.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.modload.loader.elf.ElfFile;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modload elf [--json] [--segments] [--dyn-syms] [--notes] FILE}: the parsed and validated file. */
@Command(name = "elf", mixinStandardHelpOptions = true, version = "modload 0.1.0", description = "Parse and validate an ELF file of any type (object, executable, shared"
        + " object, core) and print it.")
final class ElfCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Everything as one JSON object (header, sections, symbols,"
            + " relocations, segments, dynsyms, dynamic, notes).")
    boolean json;

    @Option(names = "--segments", description = "The program headers, one tab-separated line each.")
    boolean segments;

    @Option(names = "--dyn-syms", description = "The dynamic symbols with their versions, one line each.")
    boolean dynSyms;

    @Option(names = "--notes", description = "The notes, one line each.")
    boolean notes;

    @Parameters(paramLabel = "FILE", description = "The ELF file.")
    Path object;

    @Override
    public Integer call() throws IOException {
        if (!json && !segments && !dynSyms && !notes) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Missing a view: --json, --segments, --dyn-syms or --notes");
        }
        ElfFile f = Inputs.object(object);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ElfJson.render(f));
        }
        if (segments) {
            ElfText.segments(f, out);
        }
        if (dynSyms) {
            ElfText.dynamicSymbols(f, out);
        }
        if (notes) {
            ElfText.notes(f, out);
        }
        return 0;
    }
}
