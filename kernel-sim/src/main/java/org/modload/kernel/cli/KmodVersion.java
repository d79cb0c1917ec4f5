package org.modload.kernel.cli;

/**
 * What {@code -V}/{@code --version} prints for the kmod tools: the kmod release whose options
 * and output they follow, then modload's own version.
 */
final class KmodVersion {
    /** The version lines, as picocli's {@code version} attribute takes them. */
    static final String TEXT = "kmod version 30 (modload 0.1.0)";

    private KmodVersion() {
    }
}
