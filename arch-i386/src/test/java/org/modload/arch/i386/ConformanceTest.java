package org.modload.arch.i386;

import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.modload.loader.testing.kit.ConformanceKit;

/** i386 passes the conformance kit ({@link I386Kit} says with what). */
class ConformanceTest {
    @TempDir
    Path work;

    @TestFactory
    Stream<DynamicNode> kit() {
        return ConformanceKit.tests(I386Kit.spec(new I386Architecture(), work).build());
    }
}
