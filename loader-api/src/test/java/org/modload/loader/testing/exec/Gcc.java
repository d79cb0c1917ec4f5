package org.modload.loader.testing.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.modload.loader.testing.ExternalTools;

/**
 * gcc for one ABI: compiles test programs to objects, links the same objects into the reference
 * executable, and runs it for the expected output.
 */
public final class Gcc {
    private final Path gcc;
    private final Abi abi;

    private Gcc(Path gcc, Abi abi) {
        this.gcc = gcc;
        this.abi = abi;
    }

    /**
     * gcc able to build and link for {@code abi}; fails (CI) or skips (developer machine) when gcc,
     * or for i386 gcc-multilib, is missing.
     *
     * @param scratch a directory for the probe that checks the 32-bit libraries are installed
     */
    public static Gcc forAbi(Abi abi, Path scratch) {
        Gcc g = new Gcc(ExternalTools.require("gcc", "gcc"), abi);
        if (abi == Abi.I386) {
            Path dir = temporaryDirectory(scratch, "multilib-probe");
            Path probe = TestProgram.copyResource("programs/weak.c", dir.resolve("probe.c"));
            Command c = Command.run(List.of(g.gcc.toString(), "-m32", probe.toString(), "-o",
                    dir.resolve("probe").toString()), dir);
            if (!c.ok()) {
                missing("gcc -m32 cannot build executables (" + c.stderr().strip().lines().findFirst().orElse("")
                        + "): apt-get install gcc-multilib");
            }
        }
        return g;
    }

    private static Path temporaryDirectory(Path parent, String prefix) {
        try {
            return Files.createTempDirectory(parent, prefix);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void missing(String message) {
        if (ExternalTools.required()) {
            Assertions.fail(message + " (required: MODLOAD_REQUIRE_TOOLS=1)");
        }
        Assumptions.abort(message);
    }

    public Abi abi() {
        return abi;
    }

    /** Compiles every source of {@code program} for {@code variant} into {@code dir}; the objects in order. */
    public List<Path> compile(TestProgram program, Variant variant, Path dir) {
        List<Path> sources = program.writeSources(dir);
        List<Path> objects = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            Path object = dir.resolve(program.objectName(i));
            List<String> cmd = new ArrayList<>(List.of(gcc.toString(), abi.gccFlag()));
            cmd.addAll(variant.flags());
            cmd.addAll(program.extraFlags());
            cmd.addAll(List.of("-c", sources.get(i).toString(), "-o", object.toString()));
            check(cmd, Command.run(cmd, dir));
            objects.add(object);
        }
        return List.copyOf(objects);
    }

    /** Links {@code objects} (built for {@code variant}) into a normal executable with libc and libm. */
    public Path executable(List<Path> objects, Variant variant, Path out) {
        List<String> cmd = new ArrayList<>(List.of(gcc.toString(), abi.gccFlag()));
        cmd.addAll(variant.executableFlags());
        objects.forEach(o -> cmd.add(o.toString()));
        cmd.addAll(List.of("-o", out.toString(), "-lm"));
        check(cmd, Command.run(cmd, out.getParent()));
        return out;
    }

    /** Builds runimage for this ABI from its test resource into {@code dir}. */
    public Path runImage(Path dir) {
        Path source = TestProgram.copyResource("runimage.c", dir.resolve("runimage.c"));
        Path out = dir.resolve("runimage");
        // -fPIC: see runimage.c on copy relocations. --no-as-needed keeps libm loaded, so that
        // dlsym finds its functions for the programs that call them.
        List<String> cmd = List.of(gcc.toString(), abi.gccFlag(), "-O1", "-Wall", "-Werror", "-fPIC", "-pie",
                source.toString(), "-o", out.toString(), "-Wl,--no-as-needed", "-lm", "-ldl");
        check(cmd, Command.run(cmd, dir));
        return out;
    }

    /** Runs a normally built program with no arguments: the expected output. */
    public static ProgramOutput runNative(Path executable) {
        Command c = Command.run(List.of(executable.toString()), executable.getParent());
        if (c.timedOut()) {
            throw new AssertionError(executable + " timed out");
        }
        return new ProgramOutput(c.stdout(), c.stderr(), c.status());
    }

    private static void check(List<String> cmd, Command c) {
        if (!c.ok()) {
            throw new AssertionError(c.describe(cmd));
        }
        if (!Files.exists(Path.of(cmd.get(cmd.indexOf("-o") + 1)))) {
            throw new AssertionError(String.join(" ", cmd) + " wrote no output");
        }
    }
}
