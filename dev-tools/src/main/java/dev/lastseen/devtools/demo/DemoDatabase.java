package dev.lastseen.devtools.demo;

import dev.lastseen.applier.Applier;
import dev.lastseen.applier.ApplierConfig;
import dev.lastseen.applier.ApplierConfigLoader;
import dev.lastseen.applier.BatchConfig;
import dev.lastseen.applier.IdentityConfig;
import dev.lastseen.config.RegistryConfig;
import dev.lastseen.devtools.postgres.TokensDatabase;
import dev.lastseen.devtools.traffic.SyntheticTraffic;
import dev.lastseen.postgres.PostgresServer;
import dev.lastseen.registry.SchemaRegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's system of record: a real PostgreSQL server (the project's fixture: server binaries
 * from Maven Central) with a token service's database ({@link TokensDatabase}: the demo's tokens with
 * secret hashes, lastseen's migrations), and {@code lastseen apply} in this process writing the
 * patches into {@code token_last_seen}.
 */
final class DemoDatabase implements AutoCloseable {
    private static final String DATABASE = TokensDatabase.DATABASE;
    private static final String APPLIER_PASSWORD = "demo-applier-password";

    private final PostgresServer server;
    private final Applier applier;
    private final MeterRegistry meters;

    private DemoDatabase(PostgresServer server, Applier applier, MeterRegistry meters) {
        this.server = server;
        this.applier = applier;
        this.meters = meters;
    }

    static DemoDatabase start(
            Path dir,
            String bootstrap,
            SchemaRegistryClient registry,
            MeterRegistry meters,
            List<SyntheticTraffic.Token> tokens) {
        PostgresServer server = PostgresServer.start(dir);
        try {
            // A killed demo (SIGKILL, OOM) runs no shutdown hook: its server and data must not outlive it anyway.
            server.stopWhenThisProcessIsGone(dir.getParent());
            Map<String, Object> c = new HashMap<>(TokensDatabase.prepare(server, tokens, APPLIER_PASSWORD));
            c.put(RegistryConfig.URL, ApplierConfigLoader.IN_MEMORY_REGISTRY);
            c.put(BatchConfig.BATCH_LINGER_MS, "500");
            c.put(IdentityConfig.STATE_DIR, dir.resolveSibling("apply").toString()); // gone with the demo's directory
            c.put("bootstrap.servers", bootstrap);
            ApplierConfig config = ApplierConfigLoader.fromMap(c);
            return new DemoDatabase(server, Applier.start(config, registry, meters, Duration.ofSeconds(30)), meters);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Where to look, for the banner. */
    String describe() {
        return "psql -h 127.0.0.1 -p " + server.port() + " -U postgres " + DATABASE
                + " -c 'SELECT * FROM token_last_seen ORDER BY last_seen_at DESC LIMIT 5'";
    }

    /** One summary line: the usage rows in PostgreSQL and what the applier did. */
    String summary() {
        double applied = meters.get("lastseen.apply.rows")
                .tag("outcome", "applied")
                .counter()
                .count();
        double lag = meters.get("lastseen.apply.lag.records").gauge().value();
        try (Connection c = server.superuser(DATABASE).getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT count(*), max(last_seen_at), max(last_seen_updated_at) FROM token_last_seen")) {
            rs.next();
            return String.format(
                    "  postgres: %d rows in token_last_seen, newest last_seen_at %s (written %s); apply=%s applied=%.0f lag=%.0f",
                    rs.getLong(1),
                    rs.getTimestamp(2) == null ? "-" : rs.getTimestamp(2).toInstant(),
                    rs.getTimestamp(3) == null ? "-" : rs.getTimestamp(3).toInstant(),
                    applier.health().state(),
                    applied,
                    lag);
        } catch (SQLException e) {
            return "  postgres: not answering (" + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        applier.close();
        server.close();
    }
}
