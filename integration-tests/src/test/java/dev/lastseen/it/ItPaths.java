package dev.lastseen.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where integration tests keep their files: {@code target/it-work/<name>-<nanos>} (kept for post-mortems). */
public final class ItPaths {
    private ItPaths() {}

    public static Path workDir(String name) {
        Path root = Path.of(System.getProperty("lastseen.it.work.dir", "target/it-work"))
                .toAbsolutePath();
        try {
            return Files.createDirectories(root.resolve(name + "-" + System.nanoTime()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The production jar ({@code stream-app/target/lastseen.jar}), as operators run it. */
    public static Path lastseenJar() {
        return jar("lastseen.it.jar", "target/lastseen.jar");
    }

    /** The developer jar ({@code dev-tools/target/lastseen-dev.jar}), what {@code ./lastseen} runs. */
    public static Path devJar() {
        return jar("lastseen.it.dev.jar", "target/lastseen-dev.jar");
    }

    private static Path jar(String property, String fallback) {
        Path jar = Path.of(System.getProperty(property, fallback)).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No " + jar + ": run through Maven (mvn verify builds it in package)");
        }
        return jar;
    }
}
