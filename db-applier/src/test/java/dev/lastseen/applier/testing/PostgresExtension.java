package dev.lastseen.applier.testing;

import dev.lastseen.postgres.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test a running {@link PostgresServer}: one per test run, started on first use and
 * stopped when the run ends; tests isolate themselves with a database each
 * ({@link ApplierDatabase}). Data and log under {@code target/it-work/postgres-*}.
 */
public final class PostgresExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PostgresExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == PostgresServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .computeIfAbsent(
                        PostgresServer.class, k -> PostgresServer.start(workDir("postgres")), PostgresServer.class);
    }

    /** A fresh directory under {@code target/it-work} (kept for post-mortems). */
    public static Path workDir(String name) {
        Path root = Path.of(System.getProperty("lastseen.it.work.dir", "target/it-work"))
                .toAbsolutePath();
        try {
            return Files.createDirectories(root).resolve(name + "-" + System.nanoTime());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
