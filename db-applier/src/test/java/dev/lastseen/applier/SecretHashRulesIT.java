package dev.lastseen.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastseen.applier.testing.ApplierDatabase;
import dev.lastseen.applier.testing.PostgresExtension;
import dev.lastseen.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The database's own rule for the secret column (migration common/V1): whoever writes the
 * tokens table -- the token service, a DBA, a script -- an empty, blank or whitespace-only
 * client_secret_hash (the first incident), or one with whitespace, control or non-ASCII
 * characters, or shorter than 16 characters, is refused by a CHECK constraint.
 */
@ExtendWith(PostgresExtension.class)
class SecretHashRulesIT {
    private static final String GOOD = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";

    @Test
    void blankedSecretUpdatesAndInsertsAreRefusedByTheCheckConstraint(PostgresServer server) throws SQLException {
        ApplierDatabase db = ApplierDatabase.create(server, Target.Layout.TOKENS_TABLE);
        db.insertTokens(Map.of("tok-1", GOOD));

        List<String> refused = new ArrayList<>(List.of(
                "",
                " ",
                "   ",
                "\t",
                "\n",
                "\r\n",
                " \t\n\u000B\f\r ",
                "\u00A0",
                "\u2007\u2028",
                "\u3000",
                "\uFEFF",
                "ab cdefghijklmnopqrst",
                "abcdefghijklmnop\n",
                "\u0000abcdefghijklmnopq".substring(1) + "\u0007",
                "short-hash",
                "é".repeat(20),
                "x".repeat(1025),
                "*".repeat(16),
                "a".repeat(40),
                "REDACTED-SECRET-VALUE".substring(0, 15),
                "Sha256:REDACTED "));
        for (String bad : refused) {
            assertCheckViolation(db, "UPDATE tokens SET client_secret_hash = ? WHERE token_id = 'tok-1'", bad);
            assertCheckViolation(
                    db,
                    "INSERT INTO tokens (token_id, account_id, name, client_id, client_secret_hash) VALUES ('tok-new', 'a', 'n', 'c', ?)",
                    bad);
        }
        assertThatThrownBy(() -> update(db, "UPDATE tokens SET client_secret_hash = ? WHERE token_id = 'tok-1'", null))
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23502"));

        assertThat(db.count(
                        "SELECT count(*) FROM tokens WHERE token_id = 'tok-1' AND client_secret_hash = '" + GOOD + "'"))
                .isEqualTo(1);
        String otherGood = "0123456789abcdef".repeat(4);
        assertThat(update(db, "UPDATE tokens SET client_secret_hash = ? WHERE token_id = 'tok-1'", otherGood))
                .isEqualTo(1);
    }

    private static void assertCheckViolation(ApplierDatabase db, String sql, String value) {
        assertThatThrownBy(() -> update(db, sql, value))
                .as(
                        "%s with %s",
                        sql, value.codePoints().mapToObj(Integer::toHexString).toList())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("23514");
                    assertThat(e.getMessage()).contains("tokens_secret_hash_rule");
                });
    }

    private static int update(ApplierDatabase db, String sql, String value) throws SQLException {
        try (Connection c = db.owner().getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            return ps.executeUpdate();
        }
    }
}
