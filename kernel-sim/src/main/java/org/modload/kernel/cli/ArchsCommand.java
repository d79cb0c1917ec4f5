package org.modload.kernel.cli;

import java.util.concurrent.Callable;

import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code modload archs}: one line per installed architecture. */
@Command(name = "archs", mixinStandardHelpOptions = true, version = "modload 0.1.0", description = "List the installed architectures (machine, class, byte order, provider).")
final class ArchsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        for (Architecture a : Architectures.installed().all()) {
            spec.commandLine().getOut().printf("%s\t%s\t%s\t%s%n", a.machine().specName(), a.elfClass(),
                    a.byteOrder(), ArchNames.provider(a));
        }
        return 0;
    }
}
