package org.modload.loader.testing.exec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.modload.loader.testing.ExternalTools;

/**
 * The peer of the execution oracle: LLVM's {@code llvm-jitlink-14} (Debian's llvm) links the
 * same objects in its own process, resolves libc and libm from that process (it links both) and
 * calls {@code main}; its exit status is main's result. {@code --args image} makes argc and
 * argv what runimage passes (without it, main gets argc 0).
 */
public final class PeerJitLink {
    private final Path tool;

    private PeerJitLink(Path tool) {
        this.tool = tool;
    }

    /** The peer; fails (CI) or skips (developer machine) when llvm-jitlink-14 is missing. */
    public static PeerJitLink require() {
        return new PeerJitLink(ExternalTools.require("llvm-jitlink-14", "llvm-14"));
    }

    /** What the peer made of the objects. */
    public sealed interface Outcome {
    }

    /** It linked and ran them. */
    public record Ran(ProgramOutput output) implements Outcome {
    }

    /** It refused to link them; {@code message} is its first error line. */
    public record Refused(String message) implements Outcome {
    }

    /** Links and runs {@code objects}, in {@code dir}. */
    public Outcome run(List<Path> objects, Path dir) {
        // Without debugger support: LLVM 14's debug-object plugin refuses an object whose .bss
        // is larger than the file ("not within bounds of the given debug object buffer").
        List<String> cmd = new ArrayList<>(List.of(tool.toString(), "-debugger-support=false"));
        objects.forEach(o -> cmd.add(o.toString()));
        cmd.addAll(List.of("--args", "image"));
        Command c = Command.run(cmd, dir);
        // JITLink reports through "JIT session error: ..." and "llvm-jitlink-14: ..." lines;
        // anything else on standard error is the program's own.
        for (String line : c.stderr().split("\n")) {
            // The tool names itself by argv[0], the path it was started by.
            if (line.startsWith("JIT session error: ") || line.startsWith(tool + ": ")) {
                return new Refused(line.strip());
            }
        }
        if (c.timedOut()) {
            return new Refused("timed out");
        }
        return new Ran(new ProgramOutput(c.stdout(), c.stderr(), c.status()));
    }
}
