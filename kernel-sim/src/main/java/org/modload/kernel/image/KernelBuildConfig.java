package org.modload.kernel.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.modload.kernel.diag.KernelImageException;

/**
 * A kernel's build configuration, as distributions ship it beside the image
 * ({@code /boot/config-RELEASE}): {@code CONFIG_NAME=value} lines, {@code # CONFIG_NAME is not
 * set} for the options left out. Immutable.
 */
public final class KernelBuildConfig {
    private final Map<String, String> values;

    private KernelBuildConfig(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /**
     * Reads a config file.
     *
     * @throws KernelImageException when it cannot be read
     */
    public static KernelBuildConfig read(Path file) {
        Path name = file.getFileName();
        String display = name == null ? file.toString() : name.toString();
        try {
            return parse(Files.readString(file, StandardCharsets.ISO_8859_1));
        } catch (NoSuchFileException e) {
            throw KernelImageException.inFile(display, "no such file: " + file, e);
        } catch (IOException e) {
            throw KernelImageException.inFile(display, "cannot read " + file + ": " + e, e);
        }
    }

    /** The options of a config file's text; lines that are no assignment are skipped, as Kconfig does. */
    public static KernelBuildConfig parse(String text) {
        Map<String, String> values = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (line.startsWith("CONFIG_") && eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        return new KernelBuildConfig(values);
    }

    /** The value of {@code option} ({@code CONFIG_...}), empty when it is not set. */
    public Optional<String> value(String option) {
        return Optional.ofNullable(values.get(option));
    }

    /** Whether {@code option} is built in or a module ({@code y} or {@code m}). */
    public boolean enabled(String option) {
        String v = values.get(option);
        return "y".equals(v) || "m".equals(v);
    }

    /**
     * Where a distribution keeps the config of the image {@code vmlinuz}: {@code config-RELEASE}
     * beside {@code vmlinuz-RELEASE}; empty for images not named that way.
     */
    public static Optional<Path> besideImage(Path vmlinuz) {
        Path name = vmlinuz.getFileName();
        if (name == null || !name.toString().startsWith("vmlinuz-")) {
            return Optional.empty();
        }
        return Optional.of(vmlinuz.resolveSibling("config-" + name.toString().substring("vmlinuz-".length())));
    }
}
