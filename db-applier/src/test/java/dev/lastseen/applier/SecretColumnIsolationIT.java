package dev.lastseen.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastseen.applier.testing.ApplierDatabase;
import dev.lastseen.applier.testing.PostgresExtension;
import dev.lastseen.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The promise enforced by PostgreSQL itself: after the migrations, the applier's role gets
 * "permission denied" (SQLState 42501) from the server for any read or write of the secret
 * column, whatever statement it sends, in both layouts; it can do only what applying needs.
 */
@ExtendWith(PostgresExtension.class)
class SecretColumnIsolationIT {
    private static final String HASH = "$2b$12$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY";

    @ParameterizedTest
    @EnumSource(Target.Layout.class)
    void theApplierRoleCannotReadOrWriteTheSecretColumn(Target.Layout layout, PostgresServer server) {
        ApplierDatabase db = ApplierDatabase.create(server, layout);
        db.insertTokens(Map.of("tok-1", HASH));

        for (String sql : new String[] {
            "SELECT client_secret_hash FROM tokens",
            "SELECT * FROM tokens",
            "SELECT count(*) FROM tokens WHERE client_secret_hash LIKE '$2b%'",
            "UPDATE tokens SET client_secret_hash = '' WHERE token_id = 'tok-1'",
            "UPDATE tokens SET client_secret_hash = 'x' || client_secret_hash",
            "INSERT INTO tokens (token_id, account_id, name, client_id, client_secret_hash) VALUES ('t2', 'a', 'n', 'c', 'x')",
            "DELETE FROM tokens",
            "TRUNCATE tokens",
            "COPY tokens (client_secret_hash) TO STDOUT"
        }) {
            assertPermissionDenied(db, sql);
        }
        assertThat(db.count("SELECT count(*) FROM tokens WHERE client_secret_hash = '" + HASH + "'"))
                .isEqualTo(1);
    }

    @Test
    void inTheTokensLayoutTheApplierMayUpdateOnlyLastSeenColumns(PostgresServer server) throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, Target.Layout.TOKENS_TABLE);
        db.insertTokens(Map.of("tok-1", HASH));

        int updated = executeAsApplier(
                db,
                "UPDATE tokens SET last_seen_at = now(), last_seen_colo = 'fra1', last_seen_ip = '192.0.2.1', "
                        + "last_seen_updated_at = now() WHERE token_id = 'tok-1' AND (last_seen_at IS NULL OR last_seen_at < now())");
        assertThat(updated).isEqualTo(1);
        assertPermissionDenied(db, "UPDATE tokens SET name = 'renamed'");
        assertPermissionDenied(db, "UPDATE tokens SET expires_at = now()");
        assertPermissionDenied(
                db, "SELECT last_seen_colo FROM tokens"); // not even the other last-seen columns are readable
        assertThat(db.count("SELECT count(*) FROM tokens WHERE client_secret_hash = '" + HASH
                        + "' AND last_seen_colo = 'fra1'"))
                .isEqualTo(1);
    }

    @Test
    void inTheUsageLayoutTheApplierMayReadOnlyTheTokenKeyAndWriteOnlyItsTable(PostgresServer server)
            throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, Target.Layout.USAGE_TABLE);
        db.insertTokens(Map.of("tok-1", HASH));

        assertThat(executeAsApplier(db, "SELECT token_id FROM tokens")).isZero(); // a query: allowed
        assertThat(executeAsApplier(db, "INSERT INTO token_last_seen (token_id, last_seen_at) VALUES ('tok-1', now())"))
                .isEqualTo(1);
        assertPermissionDenied(db, "SELECT account_id FROM tokens");
        assertPermissionDenied(db, "UPDATE tokens SET name = token_id");
        assertPermissionDenied(db, "DELETE FROM token_last_seen");
        assertPermissionDenied(db, "CREATE TABLE scratch (x int)");
    }

    private static void assertPermissionDenied(ApplierDatabase db, String sql) {
        ThrowingCallable call = () -> executeAsApplier(db, sql);
        assertThatThrownBy(call).as(sql).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState())
                    .as("SQLState of %s: %s", sql, e.getMessage())
                    .isEqualTo("42501");
            assertThat(e.getMessage()).contains("permission denied");
        });
    }

    private static int executeAsApplier(ApplierDatabase db, String sql) throws SQLException {
        try (Connection c = db.applier().getConnection();
                Statement s = c.createStatement()) {
            return s.execute(sql) ? 0 : s.getUpdateCount();
        }
    }
}
