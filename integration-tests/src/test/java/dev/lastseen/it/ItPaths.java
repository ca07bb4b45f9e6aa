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

    public static Path lastseenJar() {
        Path jar = Path.of(System.getProperty("lastseen.it.jar", "target/lastseen.jar"))
                .toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No " + jar + ": run through Maven (mvn verify builds it in package)");
        }
        return jar;
    }
}
