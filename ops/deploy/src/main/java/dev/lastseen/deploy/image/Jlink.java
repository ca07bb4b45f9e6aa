package dev.lastseen.deploy.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Links a trimmed Java runtime with a JDK's own jlink: from its jmods/ where it has them, else
 * from the JDK's own run-time image (JEP 493, JDK 24+; Temurin 24+ ships without jmods/).
 */
final class Jlink {
    private Jlink() {}

    static Path link(Path jdk, List<String> modules, Path output) throws IOException, InterruptedException {
        Path jlink = jdk.resolve("bin/jlink");
        if (!Files.isExecutable(jlink)) {
            throw new IllegalStateException(
                    "The JDK at " + jdk + " has no bin/jlink; the image's Java runtime is linked with it."
                            + " Build with a full JDK 21+ (e.g. Debian: openjdk-21-jdk-headless) or pass -Dimage.jdk=/path/to/jdk.");
        }
        Files.createDirectories(output.getParent());
        Processes.deleteRecursively(output);
        List<String> command = new ArrayList<>(List.of(
                jlink.toString(),
                "--add-modules",
                String.join(",", modules),
                "--strip-debug",
                "--no-header-files",
                "--no-man-pages",
                "--output",
                output.toString()));
        Processes.run(command);
        for (String dropped : ImageSpec.DROPPED_RUNTIME_LIBRARIES) {
            Files.deleteIfExists(output.resolve("lib").resolve(dropped));
        }
        return output;
    }
}
