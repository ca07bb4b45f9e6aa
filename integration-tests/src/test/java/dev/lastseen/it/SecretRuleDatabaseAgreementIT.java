package dev.lastseen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastseen.app.config.InputBounds;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.topology.SecretRule;
import dev.lastseen.applier.Migrations;
import dev.lastseen.applier.SecretHashRule;
import dev.lastseen.applier.Target;
import dev.lastseen.config.SecretDefaults;
import dev.lastseen.postgres.PostgresServer;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The tokens table's CHECK constraint (written by {@code lastseen apply migrate}) and lastseen's
 * {@link SecretRule} agree on arbitrary strings, at a configured minimum that is not the default (12) and with a
 * configured placeholder: one real PostgreSQL, one connection, one batch query per try. Budget: ~20 s.
 */
class SecretRuleDatabaseAgreementIT {
    private static final int MIN_LENGTH = 12;
    private static final List<String> PLACEHOLDERS = withExtra(SecretDefaults.PLACEHOLDERS, "Not-A-Real-Hash!");
    private static final SecretRule RULE = new SecretRule(
            new LastseenConfig.SecretSettings(MIN_LENGTH, PLACEHOLDERS), InputBounds.DEFAULTS.maxSecretHashLength());

    private static PostgresServer server;
    private static DataSource database;
    private static Connection connection;

    @BeforeContainer
    static void start() throws SQLException {
        server = PostgresServer.start(ItPaths.workDir("secret-rule-agreement-postgres"));
        String name = server.createDatabase("secret_rule_agreement");
        database = server.superuser(name);
        Target target = new Target(
                Target.Layout.TOKENS_TABLE,
                "public",
                "token_last_seen",
                "tokens",
                "token_id",
                "client_secret_hash",
                "lastseen_applier_agreement",
                false,
                new SecretHashRule(MIN_LENGTH, PLACEHOLDERS));
        Migrations.createExampleTokensTable(database, target);
        Migrations.migrate(database, target);
        connection = database.getConnection();
    }

    @AfterContainer
    static void stop() throws SQLException {
        if (connection != null) {
            connection.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Property(tries = 60)
    void theDatabaseRuleAndSecretRuleAgreeOnArbitraryStrings(@ForAll("candidates") List<String> values)
            throws SQLException {
        Map<String, Boolean> database = usableInTheDatabase(values);
        for (String v : values) {
            assertThat(database.get(v))
                    .as(
                            "%s (code points %s)",
                            v, v.codePoints().mapToObj(Integer::toHexString).toList())
                    .isEqualTo(RULE.violation(v) == null);
        }
    }

    @Example
    void theCheckConstraintIsTheRule() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "INSERT INTO tokens (token_id, account_id, name, client_id, client_secret_hash) VALUES (?, 'a', 'n', 'c', ?)")) {
            ps.setString(1, "tok-ok");
            ps.setString(2, "0123456789ab");
            assertThat(ps.executeUpdate()).isEqualTo(1);
            for (String refused : List.of("*".repeat(16), "NOT-A-REAL-HASH!", "0123456789a")) {
                ps.setString(1, "tok-" + refused.length());
                ps.setString(2, refused);
                assertThatThrownBy(ps::executeUpdate)
                        .as(refused)
                        .isInstanceOfSatisfying(
                                SQLException.class,
                                e -> assertThat(e.getMessage()).contains("tokens_secret_hash_rule"));
            }
        }
    }

    /** What the constraint's function answers for each value, in one query. */
    private static Map<String, Boolean> usableInTheDatabase(List<String> values) throws SQLException {
        Map<String, Boolean> usable = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT v, coalesce(public.lastseen_secret_hash_usable(v), false) FROM unnest(?::text[]) AS v")) {
            Array array = connection.createArrayOf("text", values.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    usable.put(rs.getString(1), rs.getBoolean(2));
                }
            }
        }
        return usable;
    }

    @Provide
    Arbitrary<List<String>> candidates() {
        Arbitrary<Character> visible = Arbitraries.chars().range('!', '~');
        Arbitrary<Character> odd =
                Arbitraries.of(' ', '\t', '\n', '\u00A0', '\u200B', '\uFEFF', 'é', 'ß', '\u007F', 'İ');
        Arbitrary<String> mostlyVisible = Arbitraries.strings()
                .withCharRange('!', '~')
                .ofMinLength(MIN_LENGTH - 3)
                .ofMaxLength(MIN_LENGTH + 8);
        Arbitrary<String> withOdd = Arbitraries.strings()
                .withCharRange('!', '~')
                .withChars(' ', '\t', '\u00A0', '\u200B', '\uFEFF', 'é', 'İ', '\u007F')
                .ofMinLength(0)
                .ofMaxLength(30);
        Arbitrary<String> repeated = Arbitraries.integers()
                .between(1, 40)
                .flatMap(n -> Arbitraries.oneOf(visible, odd)
                        .map(c -> String.valueOf(c).repeat(n)));
        Arbitrary<String> placeholder = Arbitraries.of(PLACEHOLDERS)
                .flatMap(p ->
                        Arbitraries.integers().between(0, 1).map(upper -> upper == 1 ? p.toUpperCase(Locale.ROOT) : p));
        Arbitrary<String> longOnes = Arbitraries.integers()
                .between(1000, 1100)
                .map(n -> "ab".repeat(n / 2 + 1).substring(0, n));
        return Arbitraries.frequencyOf(
                        Tuple.of(4, mostlyVisible),
                        Tuple.of(3, withOdd),
                        Tuple.of(2, repeated),
                        Tuple.of(2, placeholder),
                        Tuple.of(1, longOnes))
                .list()
                .ofSize(50)
                .uniqueElements();
    }

    private static List<String> withExtra(List<String> base, String extra) {
        List<String> all = new ArrayList<>(base);
        all.add(extra);
        return List.copyOf(all);
    }
}
