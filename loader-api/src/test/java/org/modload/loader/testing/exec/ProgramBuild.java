package org.modload.loader.testing.exec;

import java.nio.file.Path;
import java.util.List;

/**
 * A program built for one variant: its objects (compiled once, reused for every placement and
 * for the peer) and the expected output of the normally built executable of the same objects.
 *
 * @param program the program
 * @param variant the variant
 * @param input the objects
 * @param expected what {@code gcc VARIANT objects -o prog && ./prog} printed and returned
 * @param dir the build's directory, for the cells' scratch files
 */
public record ProgramBuild(TestProgram program, Variant variant, ObjectFiles input, ProgramOutput expected, Path dir) {

    /** Compiles, links normally and runs {@code program} for {@code variant} in {@code dir}. */
    public static ProgramBuild of(Gcc gcc, TestProgram program, Variant variant, Path dir) {
        List<Path> objects = gcc.compile(program, variant, dir);
        Path exe = gcc.executable(objects, variant, dir.resolve(program.name()));
        return new ProgramBuild(program, variant, ObjectFiles.read(objects), Gcc.runNative(exe), dir);
    }

    /** This build with another expected output: for showing that a wrong expectation fails the cell. */
    public ProgramBuild expecting(ProgramOutput other) {
        return new ProgramBuild(program, variant, input, other, dir);
    }

    /** The cell of this build at {@code placement}. */
    public CellId cell(String placement) {
        return new CellId(program.name(), variant.name(), placement);
    }
}
