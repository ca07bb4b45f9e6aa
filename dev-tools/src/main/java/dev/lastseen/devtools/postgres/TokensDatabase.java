package dev.lastseen.devtools.postgres;

import dev.lastseen.applier.ApplierConfigLoader;
import dev.lastseen.applier.DatabaseConfig;
import dev.lastseen.applier.Migrations;
import dev.lastseen.applier.Target;
import dev.lastseen.config.RegistryConfig;
import dev.lastseen.devtools.traffic.SyntheticTraffic;
import dev.lastseen.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A token service's database as the demo and the local stack set it up, the way a deployment
 * does: the token service's {@code tokens} table (the example of {@code ops/sql/example-token-service})
 * holding the synthetic fleet's tokens with secret hashes, then lastseen's migrations run by the
 * owner (secret-hash CHECKs, the applier's role, the usage table), and a login for the role.
 */
public final class TokensDatabase {
    public static final String DATABASE = "tokens";
    public static final String APPLIER_ROLE = "lastseen_applier";

    private TokensDatabase() {}

    /** Creates and fills the database unless it exists; returns the applier's settings for it (no Kafka keys). */
    public static Map<String, Object> prepare(
            PostgresServer server, List<SyntheticTraffic.Token> tokens, String applierPassword) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(DatabaseConfig.JDBC_URL, server.jdbcUrl(DATABASE));
        settings.put(DatabaseConfig.JDBC_USER, APPLIER_ROLE);
        settings.put(DatabaseConfig.JDBC_PASSWORD, applierPassword);
        if (server.hasDatabase(DATABASE)) {
            return settings;
        }
        server.createDatabase(DATABASE);
        Map<String, Object> forTarget = new HashMap<>(settings);
        forTarget.put(RegistryConfig.URL, ApplierConfigLoader.IN_MEMORY_REGISTRY);
        forTarget.put("bootstrap.servers", "unused:9092");
        Target target = ApplierConfigLoader.fromMap(forTarget).target();
        Migrations.createExampleTokensTable(server.superuser(DATABASE), target);
        insertTokens(server, tokens);
        Migrations.migrate(server.superuser(DATABASE), target);
        server.execute(DATABASE, "ALTER ROLE " + APPLIER_ROLE + " LOGIN PASSWORD '" + applierPassword + "'");
        return settings;
    }

    private static void insertTokens(PostgresServer server, List<SyntheticTraffic.Token> tokens) {
        try (Connection c = server.superuser(DATABASE).getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO tokens (token_id, account_id, name, client_id, client_secret_hash) VALUES (?, ?, ?, ?, ?)")) {
            int n = 0;
            for (SyntheticTraffic.Token t : tokens) {
                ps.setString(1, t.tokenId());
                ps.setString(2, t.accountId());
                ps.setString(3, "service " + t.tokenId());
                ps.setString(4, "client-" + t.tokenId());
                ps.setString(5, "$2b$12$example." + t.tokenId() + ".0123456789abcdefghijklmnopqrstuv");
                ps.addBatch();
                if (++n % 10_000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot fill the tokens table: " + e.getMessage(), e);
        }
    }
}
