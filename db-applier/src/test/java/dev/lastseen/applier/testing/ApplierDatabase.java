package dev.lastseen.applier.testing;

import dev.lastseen.applier.ApplierConfig;
import dev.lastseen.applier.ApplierConfigLoader;
import dev.lastseen.applier.DatabaseConfig;
import dev.lastseen.applier.IdentityConfig;
import dev.lastseen.applier.Migrations;
import dev.lastseen.applier.Target;
import dev.lastseen.applier.TargetConfig;
import dev.lastseen.config.RegistryConfig;
import dev.lastseen.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * One test's database, set up as a deployment is: the token service's example tokens table,
 * then lastseen's migrations run by the owner (here the superuser), and a login for the
 * applier's role (its own name per database, since roles are cluster-wide). {@link #config}
 * is the applier configuration for it.
 */
public final class ApplierDatabase {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    public static final String APPLIER_PASSWORD = "applier-password-for-tests";

    private final PostgresServer server;
    private final String database;
    private final String role;
    private final Target.Layout layout;
    private final boolean insertUnknown;

    private ApplierDatabase(
            PostgresServer server, String database, String role, Target.Layout layout, boolean insertUnknown) {
        this.server = server;
        this.database = database;
        this.role = role;
        this.layout = layout;
        this.insertUnknown = insertUnknown;
    }

    /** A new database with the tokens table, migrated for the layout. */
    public static ApplierDatabase create(PostgresServer server, Target.Layout layout) {
        return create(server, layout, false, true);
    }

    public static ApplierDatabase create(
            PostgresServer server, Target.Layout layout, boolean insertUnknown, boolean withTokensTable) {
        int n = SEQUENCE.incrementAndGet();
        String suffix = n + "_" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        ApplierDatabase db = new ApplierDatabase(
                server, server.createDatabase("lastseen_" + suffix), "applier_" + suffix, layout, insertUnknown);
        Target target = db.config().target();
        if (withTokensTable) {
            Migrations.createExampleTokensTable(db.owner(), target);
        }
        Migrations.migrate(db.owner(), target);
        server.execute("postgres", "ALTER ROLE " + db.role + " LOGIN PASSWORD '" + APPLIER_PASSWORD + "'");
        return db;
    }

    /** The applier's configuration for this database (Kafka keys for a broker that is not contacted). */
    public Map<String, Object> configMap() {
        Map<String, Object> m = new HashMap<>();
        m.put(DatabaseConfig.JDBC_URL, server.jdbcUrl(database));
        m.put(DatabaseConfig.JDBC_USER, role);
        m.put(DatabaseConfig.JDBC_PASSWORD, APPLIER_PASSWORD);
        m.put(TargetConfig.ROLE, role);
        m.put(TargetConfig.LAYOUT, layout.configValue());
        m.put(TargetConfig.UNKNOWN_TOKENS, insertUnknown ? "insert" : "skip");
        m.put(DatabaseConfig.MIGRATE_USER, PostgresServer.SUPERUSER);
        m.put(RegistryConfig.URL, ApplierConfigLoader.IN_MEMORY_REGISTRY);
        m.put("bootstrap.servers", "127.0.0.1:9");
        // The applier's kept group name: one directory per database (next to the server's log), so appliers of
        // different tests never share a name, and a restarted applier of this database takes its name back.
        m.put(
                IdentityConfig.STATE_DIR,
                server.log().resolveSibling("apply-" + database).toString());
        return m;
    }

    public ApplierConfig config() {
        return ApplierConfigLoader.fromMap(configMap());
    }

    public String name() {
        return database;
    }

    public String role() {
        return role;
    }

    public PostgresServer server() {
        return server;
    }

    /** The owner's (superuser's) connections: what the token service and a DBA can do. */
    public DataSource owner() {
        return server.superuser(database);
    }

    /** The applier role's connections, with its password. */
    public DataSource applier() {
        return server.dataSource(database, role, APPLIER_PASSWORD);
    }

    public void asOwner(String... statements) {
        server.execute(database, statements);
    }

    /** Inserts example tokens with the given secret hashes (token id -> hash). */
    public void insertTokens(Map<String, String> secretHashByToken) {
        try (Connection c = owner().getConnection();
                var ps = c.prepareStatement(
                        "INSERT INTO tokens (token_id, account_id, name, client_id, client_secret_hash) VALUES (?, 'acct-1', ?, ?, ?)")) {
            for (var e : secretHashByToken.entrySet()) {
                ps.setString(1, e.getKey());
                ps.setString(2, "name of " + e.getKey());
                ps.setString(3, "client-" + e.getKey());
                ps.setString(4, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Installs the audit the end-to-end checks read: a trigger recording every change of
     * {@code last_seen_at} (old and new value) on the written table into {@code last_seen_audit}.
     */
    public void installAudit() {
        String table = layout == Target.Layout.USAGE_TABLE ? "token_last_seen" : "tokens";
        asOwner(
                "CREATE TABLE last_seen_audit (id bigserial PRIMARY KEY, token_id text NOT NULL, old_at timestamptz, new_at timestamptz, "
                        + "old_secret text, new_secret text, at timestamptz NOT NULL DEFAULT clock_timestamp())",
                "CREATE FUNCTION audit_last_seen() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN "
                        + "INSERT INTO last_seen_audit (token_id, old_at, new_at"
                        + (table.equals("tokens") ? ", old_secret, new_secret" : "") + ") VALUES "
                        + "(NEW.token_id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.last_seen_at END, NEW.last_seen_at"
                        + (table.equals("tokens") ? ", OLD.client_secret_hash, NEW.client_secret_hash" : "")
                        + "); RETURN NEW; END $$",
                // A trigger fires without EXECUTE; nobody else may call a function that runs as the owner.
                "REVOKE EXECUTE ON FUNCTION audit_last_seen() FROM PUBLIC",
                "CREATE TRIGGER audit_last_seen AFTER INSERT OR UPDATE ON " + table
                        + " FOR EACH ROW EXECUTE FUNCTION audit_last_seen()");
    }

    /** token id -> last_seen_at (epoch ms) of every row the applier wrote, read as the owner. */
    public Map<String, Long> lastSeenByToken() {
        String table = layout == Target.Layout.USAGE_TABLE ? "token_last_seen" : "tokens";
        Map<String, Long> out = new HashMap<>();
        try (Connection c = owner().getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT token_id, (extract(epoch FROM last_seen_at) * 1000)::bigint FROM "
                        + table + " WHERE last_seen_at IS NOT NULL")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return out;
    }

    /** token id -> client_secret_hash of the tokens table, read as the owner. */
    public Map<String, String> secretHashes() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        try (Connection c = owner().getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT token_id, client_secret_hash FROM tokens ORDER BY token_id")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return out;
    }

    /** Runs one statement as the owner and returns its first column as a long. */
    public long count(String sql) {
        try (Connection c = owner().getConnection();
                Statement s = c.createStatement();
                var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
