package org.modload.kernel.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.modload.loader.elf.ElfFile;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modload elf --json OBJ}: the parsed and validated object as JSON. */
@Command(name = "elf", description = "Parse and validate a relocatable ELF object and print it.")
final class ElfCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", required = true, description = "Print as JSON (the only format).")
    boolean json;

    @Parameters(paramLabel = "OBJ", description = "The object file (.o or .ko).")
    Path object;

    @Override
    public Integer call() throws IOException {
        ElfFile f = Inputs.object(object);
        spec.commandLine().getOut().println(ElfJson.render(f));
        return 0;
    }
}
