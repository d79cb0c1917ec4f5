package org.modload.loader.testing.kit.toy;

import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.modload.loader.testing.kit.ConformanceKit;

/** The worked example passes the kit: what an architecture module's own conformance test looks like. */
class ToyConformanceTest {
    @TempDir
    Path work;

    @TestFactory
    Stream<DynamicNode> kit() {
        return ConformanceKit.tests(ToyKit.spec(new ToyArchitecture(), work).build());
    }
}
