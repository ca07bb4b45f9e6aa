package dev.lastseen.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastseen.config.RegistryConfig;
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
        m.put(DatabaseConfig.JDBC_URL, "jdbc:postgresql://db:5432/tokens");
        m.put(DatabaseConfig.JDBC_USER, "lastseen_applier");
        m.put(DatabaseConfig.JDBC_PASSWORD, "s3cret-pa55word");
        m.put(RegistryConfig.URL, "http://registry:8080/apis/ccompat/v7");
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
    void theGroupNameIsKeptInALocalDirectoryUnlessOneIsConfiguredAndNeverSetDirectly() {
        ApplierConfig kept = ApplierConfigLoader.fromMap(minimal());
        assertThat(kept.identity().instanceId()).isNull();
        assertThat(kept.identity().stateDir())
                .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "lastseen-apply"));

        Map<String, Object> named = minimal();
        named.put(IdentityConfig.INSTANCE_ID, "lastseen-apply-0");
        named.put(IdentityConfig.STATE_DIR, dir.toString());
        assertThat(ApplierConfigLoader.fromMap(named).identity())
                .isEqualTo(new ApplierConfig.Identity("lastseen-apply-0", dir));

        Map<String, Object> bad = minimal();
        bad.put(IdentityConfig.INSTANCE_ID, "no spaces");
        assertThatThrownBy(() -> ApplierConfigLoader.fromMap(bad)).hasMessageContaining(IdentityConfig.INSTANCE_ID);
        Map<String, Object> direct = minimal();
        direct.put("group.instance.id", "x");
        assertThatThrownBy(() -> ApplierConfigLoader.fromMap(direct))
                .hasMessageContaining("group.instance.id")
                .hasMessageContaining(IdentityConfig.INSTANCE_ID);
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
        m.remove(DatabaseConfig.JDBC_PASSWORD);
        m.put(DatabaseConfig.JDBC_PASSWORD_FILE, secret.toString());
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
        assertRejected(TargetConfig.USAGE_TABLE, "Token-Last-Seen", TargetConfig.USAGE_TABLE);
        assertRejected(TargetConfig.USAGE_TABLE, "x; DROP TABLE tokens", TargetConfig.USAGE_TABLE);
        assertRejected(TargetConfig.LAYOUT, "sideways", TargetConfig.LAYOUT);
        assertRejected(DatabaseConfig.JDBC_URL, "jdbc:mysql://db/x", DatabaseConfig.JDBC_URL);
        assertRejected(DatabaseConfig.JDBC_URL, "jdbc:postgresql://u:pw@db/x", DatabaseConfig.JDBC_URL);
        assertRejected("isolation.level", "read_uncommitted", "isolation.level");
        assertRejected("enable.auto.commit", "true", "enable.auto.commit");
        assertRejected(DatabaseConfig.JDBC_PROPERTY_PREFIX + "sslmodee", "require", "sslmodee");
        assertRejected(DatabaseConfig.JDBC_PROPERTY_PREFIX + "password", "x", "password");
        assertRejected("lastseen.apply.batch.max", "5", "lastseen.apply.batch.max");
        assertRejected("no.such.kafka.key", "5", "no.such.kafka.key");
        assertRejected(DatabaseConfig.MIGRATE_USER, "lastseen_applier", DatabaseConfig.MIGRATE_USER);
        assertRejected(TargetConfig.SECRET_COLUMN, "last_seen_at", TargetConfig.SECRET_COLUMN);
        Map<String, Object> m = minimal();
        m.put(TargetConfig.LAYOUT, "tokens-table");
        m.put(TargetConfig.UNKNOWN_TOKENS, "insert");
        assertThatThrownBy(() -> ApplierConfigLoader.fromMap(m))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TargetConfig.UNKNOWN_TOKENS);
    }

    @Test
    void neitherAnUnknownKeysValueNorCredentialsInAJdbcUrlAreRepeated() {
        assertRejected("lastseen.apply.jdbc.pasword", "s3cret-pa55word", "lastseen.apply.jdbc.pasword");
        assertRejected(DatabaseConfig.JDBC_PROPERTY_PREFIX + "sslpasswordd", "s3cret-pa55word", "sslpasswordd");
        assertRejected(
                DatabaseConfig.JDBC_URL, "postgresql://applier:s3cret-pa55word@db:5432/tokens", "jdbc:postgresql:");
        assertRejected(
                DatabaseConfig.JDBC_URL,
                "jdbc:postgresql://db:5432/tokens?user=applier&password=s3cret-pa55word",
                "must not contain credentials");
    }

    @Test
    void thePrivilegeCheckIntervalDefaultsToFiveMinutes() {
        assertThat(ApplierConfigLoader.fromMap(minimal()).privilegeCheckInterval())
                .isEqualTo(java.time.Duration.ofMinutes(5));
        assertRejected(TargetConfig.PRIVILEGE_CHECK_INTERVAL_MS, "10", TargetConfig.PRIVILEGE_CHECK_INTERVAL_MS);
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

    @Test
    void kafkaSecuritySettingsReachTheConsumerAndTheDeadLetterProducer() {
        Map<String, Object> m = minimal();
        m.put("security.protocol", "SASL_SSL");
        m.put("sasl.mechanism", "SCRAM-SHA-512");
        m.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";");
        m.put("ssl.truststore.location", "/etc/lastseen/kafka-ca.p12");
        ApplierConfig c = ApplierConfigLoader.fromMap(m);
        for (Map<String, Object> client : java.util.List.of(c.consumer(), c.producer())) {
            assertThat(client)
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsKey("sasl.jaas.config")
                    .containsEntry("ssl.truststore.location", "/etc/lastseen/kafka-ca.p12");
        }
    }

    @Test
    void aRegistryTruststoreThatCannotBeOpenedFailsStartUpNamingItsKey() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.p12"), "not a truststore");
        Map<String, Object> wrong = minimal();
        wrong.put(RegistryConfig.TRUSTSTORE_PATH, garbage.toString());
        wrong.put(RegistryConfig.TRUSTSTORE_PASSWORD, "trust-pw-secret");
        assertThatThrownBy(() -> ApplierConfigLoader.fromMap(wrong))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(RegistryConfig.TRUSTSTORE_PATH)
                .hasMessageNotContaining("trust-pw-secret");

        Map<String, Object> passwordOnly = minimal();
        passwordOnly.put(RegistryConfig.TRUSTSTORE_PASSWORD, "trust-pw-secret");
        assertThatThrownBy(() -> ApplierConfigLoader.fromMap(passwordOnly))
                .hasMessageContaining(RegistryConfig.TRUSTSTORE_PATH)
                .hasMessageNotContaining("trust-pw-secret");
    }
}
