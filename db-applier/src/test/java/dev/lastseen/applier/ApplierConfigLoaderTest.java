package dev.lastseen.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplierConfigLoaderTest {
    @TempDir
    Path dir;

    private static Map<String, Object> minimal() {
        Map<String, Object> m = new HashMap<>();
        m.put(ApplierConfigLoader.JDBC_URL, "jdbc:postgresql://db:5432/tokens");
        m.put(ApplierConfigLoader.JDBC_USER, "lastseen_applier");
        m.put(ApplierConfigLoader.JDBC_PASSWORD, "s3cret-pa55word");
        m.put(ApplierConfigLoader.REGISTRY_URL, "http://registry:8080/apis/ccompat/v7");
        m.put("bootstrap.servers", "kafka:9092");
        return m;
    }

    @Test
    void defaultsAreTheRecommendedLayoutAndTheCommitAfterApplyConsumerSettings() {
        ApplierConfig c = ApplierConfigLoader.fromMap(minimal());
        assertThat(c.target().layout()).isEqualTo(Target.Layout.USAGE_TABLE);
        assertThat(c.target().writtenTable()).isEqualTo("token_last_seen");
        assertThat(c.consumer())
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", "false")
                .containsEntry("group.id", "lastseen-apply");
        assertThat(c.producer()).containsEntry("acks", "all").containsEntry("bootstrap.servers", "kafka:9092");
        assertThat(c.topics().deadLetter()).isEqualTo("lastseen-apply-dlq");
    }

    @Test
    void thePasswordIsInNoStringForm() {
        ApplierConfig c = ApplierConfigLoader.fromMap(minimal());
        assertThat(c.toString()).doesNotContain("s3cret-pa55word").contains("[hidden]");
        assertThat(c.database().toString()).doesNotContain("s3cret-pa55word");
        assertThat(c.database().password()).isEqualTo("s3cret-pa55word");
    }

    @Test
    void passwordFromAFileOrTheEnvironment() throws Exception {
        Path secret = Files.writeString(dir.resolve("pw"), "from-file-pw\n");
        Map<String, Object> m = minimal();
        m.remove(ApplierConfigLoader.JDBC_PASSWORD);
        m.put(ApplierConfigLoader.JDBC_PASSWORD_FILE, secret.toString());
        assertThat(ApplierConfigLoader.fromMap(m).database().password()).isEqualTo("from-file-pw");

        Path file = dir.resolve("apply.properties");
        Files.writeString(file, """
                lastseen.apply.jdbc.url=jdbc:postgresql://db/tokens
                lastseen.apply.jdbc.user=u
                lastseen.schema.registry.url=http://r:1
                bootstrap.servers=k:1
                """);
        ApplierConfig c = ApplierConfigLoader.load(
                file,
                Map.of(
                        "LASTSEEN_APPLY_JDBC_PASSWORD",
                        "from-env",
                        "LASTSEEN_APPLY_JDBC_PROPERTY_SSLMODE",
                        "verify-full",
                        "LASTSEEN_APPLY_BATCH_MAX_RECORDS",
                        "500"));
        assertThat(c.database().password()).isEqualTo("from-env");
        assertThat(c.database().driverProperties()).containsEntry("sslmode", "verify-full");
        assertThat(c.batching().maxRecords()).isEqualTo(500);
    }

    @Test
    void theLocalStacksExampleConfigurationIsValidAndMatchesTheStack() throws Exception {
        Path ops = Path.of("").toAbsolutePath().resolveSibling("ops");
        ApplierConfig c = ApplierConfigLoader.load(ops.resolve("config/apply-local.properties"), Map.of());
        String stackEnv = Files.readString(ops.resolve("stack.env"));
        assertThat(stackEnv)
                .contains("LASTSEEN_POSTGRES_PORT:-5433")
                .contains("LASTSEEN_APPLY_JDBC_PASSWORD:-lastseen-local");
        assertThat(c.database().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5433/tokens");
        assertThat(c.database().password()).isEqualTo("lastseen-local");
        assertThat(c.target().layout()).isEqualTo(Target.Layout.USAGE_TABLE);
        assertThat(c.consumer()).containsEntry("bootstrap.servers", "127.0.0.1:9092");
    }

    @Test
    void everyErrorNamesTheKey() {
        assertRejected(ApplierConfigLoader.USAGE_TABLE, "Token-Last-Seen", ApplierConfigLoader.USAGE_TABLE);
        assertRejected(ApplierConfigLoader.USAGE_TABLE, "x; DROP TABLE tokens", ApplierConfigLoader.USAGE_TABLE);
        assertRejected(ApplierConfigLoader.LAYOUT, "sideways", ApplierConfigLoader.LAYOUT);
        assertRejected(ApplierConfigLoader.JDBC_URL, "jdbc:mysql://db/x", ApplierConfigLoader.JDBC_URL);
        assertRejected(ApplierConfigLoader.JDBC_URL, "jdbc:postgresql://u:pw@db/x", ApplierConfigLoader.JDBC_URL);
        assertRejected("isolation.level", "read_uncommitted", "isolation.level");
        assertRejected("enable.auto.commit", "true", "enable.auto.commit");
        assertRejected(ApplierConfigLoader.JDBC_PROPERTY_PREFIX + "sslmodee", "require", "sslmodee");
        assertRejected(ApplierConfigLoader.JDBC_PROPERTY_PREFIX + "password", "x", "password");
        assertRejected("lastseen.apply.batch.max", "5", "lastseen.apply.batch.max");
        assertRejected("no.such.kafka.key", "5", "no.such.kafka.key");
        assertRejected(ApplierConfigLoader.MIGRATE_USER, "lastseen_applier", ApplierConfigLoader.MIGRATE_USER);
        assertRejected(ApplierConfigLoader.SECRET_COLUMN, "last_seen_at", ApplierConfigLoader.SECRET_COLUMN);
        Map<String, Object> m = minimal();
        m.put(ApplierConfigLoader.LAYOUT, "tokens-table");
        m.put(ApplierConfigLoader.UNKNOWN_TOKENS, "insert");
        assertThatThrownBy(() -> ApplierConfigLoader.fromMap(m))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(ApplierConfigLoader.UNKNOWN_TOKENS);
    }

    @Test
    void neitherAnUnknownKeysValueNorCredentialsInAJdbcUrlAreRepeated() {
        assertRejected("lastseen.apply.jdbc.pasword", "s3cret-pa55word", "lastseen.apply.jdbc.pasword");
        assertRejected(ApplierConfigLoader.JDBC_PROPERTY_PREFIX + "sslpasswordd", "s3cret-pa55word", "sslpasswordd");
        assertRejected(
                ApplierConfigLoader.JDBC_URL,
                "postgresql://applier:s3cret-pa55word@db:5432/tokens",
                "jdbc:postgresql:");
        assertRejected(
                ApplierConfigLoader.JDBC_URL,
                "jdbc:postgresql://db:5432/tokens?user=applier&password=s3cret-pa55word",
                "must not contain credentials");
    }

    @Test
    void thePrivilegeCheckIntervalDefaultsToFiveMinutes() {
        assertThat(ApplierConfigLoader.fromMap(minimal()).privilegeCheckInterval())
                .isEqualTo(java.time.Duration.ofMinutes(5));
        assertRejected(
                ApplierConfigLoader.PRIVILEGE_CHECK_INTERVAL_MS, "10", ApplierConfigLoader.PRIVILEGE_CHECK_INTERVAL_MS);
    }

    private static void assertRejected(String key, Object value, String named) {
        Map<String, Object> m = minimal();
        m.put(key, value);
        assertThatThrownBy(() -> ApplierConfigLoader.fromMap(m))
                .as("%s=%s", key, value)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(named)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-pa55word"));
    }
}
