package org.modload.arch.ia64;

import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.modload.loader.testing.kit.ConformanceKit;

/** ia64 passes the conformance kit ({@link Ia64Kit} says with what). */
class ConformanceTest {
    @TempDir
    Path work;

    @TestFactory
    Stream<DynamicNode> kit() {
        return ConformanceKit.tests(Ia64Kit.spec(new Ia64Architecture(), work).build());
    }
}
