package org.modload.kernel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Callable;

import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.boot.BuiltinKernel;
import org.modload.kernel.model.ModuleView;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code modload demo}: boots the built-in kernel of one architecture, loads the bundled sample
 * modules (hello, and the chain demo_core &lt;- demo_user &lt;- demo_leaf), shows where they went and lsmod,
 * and shows the unloads the kernel refuses (a module in use by another, a module someone holds a
 * reference on) and the ones it allows.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, version = "modload 0.1.0", description = "Boot the built-in kernel, load the bundled sample modules, show lsmod and a refused unload.")
final class DemoCommand implements Callable<Integer> {
    private static final List<String> SAMPLES = List.of("hello", "demo_core", "demo_user", "demo_leaf");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--arch", defaultValue = ArchNames.DEFAULT,
            description = "An architecture with bundled samples, by the name 'modload archs' shows last (default: ${DEFAULT-VALUE}).")
    String arch;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Architectures archs = Architectures.installed();
        Architecture a = ArchNames.find(archs, arch);
        if (DemoCommand.class.getResource(resource(SAMPLES.get(0))) == null) {
            throw new UsageException("--arch: no bundled samples for " + arch);
        }
        Kernel kernel = Kernel.boot(BuiltinKernel.config(a), archs);
        Session session = new Session(kernel, LoadOptions.defaults(), null, null);
        out.printf("booted the built-in %s kernel: %d exported symbols%n", a.machine(), kernel.config().exports().size());
        for (String name : SAMPLES) {
            ModuleView m = kernel.load(name + ".ko", sample(name), LoadOptions.defaults());
            out.printf("%n# insmod %s.ko%n", name);
            for (PlacedSection p : m.image().plan().placed()) {
                out.printf("  %-28s 0x%x  size 0x%x  %s%n", p.name(), p.address(), p.size(), p.region());
            }
            m.image().symbols().imported().forEach((n, d) -> out.printf("  uses %-23s 0x%x%n", n, d.address()));
            m.exports().forEach(e -> out.printf("  exports %-20s 0x%x%s%n", e.name(), e.address(), e.gplOnly() ? " (GPL)" : ""));
        }
        out.printf("%n# lsmod%n");
        session.lsmod(out);
        for (String n : List.of("demo_core", "demo_user")) {
            out.printf("%n# rmmod %s%n", n);
            session.rmmod(n, false, out);
        }
        out.printf("%n# try_module_get(hello), then rmmod hello%n");
        kernel.tryModuleGet("hello");
        session.rmmod("hello", false, out);
        out.printf("%n# module_put(hello); rmmod hello demo_leaf demo_user demo_core%n");
        kernel.modulePut("hello");
        for (String n : List.of("hello", "demo_leaf", "demo_user", "demo_core")) {
            session.rmmod(n, false, out);
        }
        out.printf("%n# lsmod%n");
        session.lsmod(out);
        out.printf("module memory in use: %d bytes%n", kernel.memoryInUse());
        return 0;
    }

    private String resource(String name) {
        return "/org/modload/kernel/samples/" + arch + "/" + name + ".ko";
    }

    private ByteBuffer sample(String name) throws IOException {
        String resource = resource(name);
        try (InputStream in = DemoCommand.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("bundled sample " + resource + " is missing");
            }
            return ByteBuffer.wrap(in.readAllBytes());
        }
    }
}
