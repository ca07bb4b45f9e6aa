package dev.lastseen.devtools.demo;

import dev.lastseen.applier.Applier;
import dev.lastseen.applier.ApplierConfig;
import dev.lastseen.applier.ApplierConfigLoader;
import dev.lastseen.applier.Migrations;
import dev.lastseen.devtools.traffic.SyntheticTraffic;
import dev.lastseen.postgres.PostgresServer;
import dev.lastseen.registry.SchemaRegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's system of record: a real PostgreSQL server (the project's fixture: server binaries
 * from Maven Central), a token service's tokens table holding the demo's tokens with their
 * secret hashes, lastseen's migrations (secret-hash CHECKs, the applier's role, the usage table),
 * and {@code lastseen apply} in this process writing the patches into {@code token_last_seen}.
 */
final class DemoDatabase implements AutoCloseable {
    static final String DATABASE = "tokens";
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
            server.createDatabase(DATABASE);
            Map<String, Object> c = new HashMap<>();
            c.put(ApplierConfigLoader.JDBC_URL, server.jdbcUrl(DATABASE));
            c.put(ApplierConfigLoader.JDBC_USER, "lastseen_applier");
            c.put(ApplierConfigLoader.JDBC_PASSWORD, APPLIER_PASSWORD);
            c.put(ApplierConfigLoader.REGISTRY_URL, ApplierConfigLoader.IN_MEMORY_REGISTRY);
            c.put(ApplierConfigLoader.BATCH_LINGER_MS, "500");
            c.put("bootstrap.servers", bootstrap);
            ApplierConfig config = ApplierConfigLoader.fromMap(c);
            Migrations.createExampleTokensTable(server.superuser(DATABASE), config.target());
            insertTokens(server, tokens);
            Migrations.migrate(server.superuser(DATABASE), config.target());
            server.execute(DATABASE, "ALTER ROLE lastseen_applier LOGIN PASSWORD '" + APPLIER_PASSWORD + "'");
            return new DemoDatabase(server, Applier.start(config, registry, meters, Duration.ofSeconds(30)), meters);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static void insertTokens(PostgresServer server, List<SyntheticTraffic.Token> tokens) {
        try (Connection c = server.superuser(DATABASE).getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO tokens (token_id, account_id, name, client_id, client_secret_hash) VALUES (?, ?, ?, ?, ?)")) {
            for (SyntheticTraffic.Token t : tokens) {
                ps.setString(1, t.tokenId());
                ps.setString(2, t.accountId());
                ps.setString(3, "service " + t.tokenId());
                ps.setString(4, "client-" + t.tokenId());
                ps.setString(5, "$2b$12$demo." + t.tokenId() + ".0123456789abcdefghijklmnopqrstuv");
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot fill the demo's tokens table: " + e.getMessage(), e);
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
