package dev.lastseen.it;

import dev.lastseen.postgres.PostgresServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server ({@link PostgresServer}: server binaries from Maven Central, no
 * Docker, never one installed on the machine) for one test class: started before its first test,
 * stopped after its last. Register it as
 * {@code @RegisterExtension static final PostgresPerClassExtension POSTGRES = new PostgresPerClassExtension();}.
 * Tests isolate themselves with a database each; {@link #server()} stops and starts it again on the
 * same data and port for an outage.
 */
public final class PostgresPerClassExtension implements BeforeAllCallback, AfterAllCallback {
    private PostgresServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = PostgresServer.start(
                ItPaths.workDir(context.getRequiredTestClass().getSimpleName() + "-postgres"));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    public PostgresServer server() {
        if (server == null) {
            throw new IllegalStateException("PostgreSQL runs only between the test class's @BeforeAll and @AfterAll");
        }
        return server;
    }
}
