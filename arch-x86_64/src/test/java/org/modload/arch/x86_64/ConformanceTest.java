package org.modload.arch.x86_64;

import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.modload.loader.testing.kit.ConformanceKit;

/** x86_64 passes the conformance kit ({@link X86_64Kit} says with what). */
class ConformanceTest {
    @TempDir
    Path work;

    @TestFactory
    Stream<DynamicNode> kit() {
        return ConformanceKit.tests(X86_64Kit.spec(new X86_64Architecture(), work).build());
    }
}
