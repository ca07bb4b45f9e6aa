package dev.lastseen.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastseen.app.http.SelfSignedTls;
import dev.lastseen.config.ConfigSources;
import dev.lastseen.config.HttpServerSettings;
import dev.lastseen.config.RegistryConfig;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.registry.RegistryAuth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @RegisterExtension
    static final SelfSignedTls TLS = new SelfSignedTls();

    @TempDir
    Path dir;

    private static Map<String, Object> minimal() {
        Map<String, Object> m = new HashMap<>();
        m.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092");
        m.put(RegistryConfig.URL, "http://registry:8081");
        return m;
    }

    @Test
    void defaultsAreTheContractNamesAndExactlyOnce() {
        LastseenConfig c = ConfigLoader.fromMap(minimal());
        assertThat(c.topics()).isEqualTo(TopicNames.DEFAULTS);
        assertThat(c.streams())
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "lastseen-dlq");
        assertThat(c.patchGranularity().toSeconds()).isEqualTo(60);
        assertThat(c.http().port()).isEqualTo(7070);
    }

    @Test
    void anUnknownKeyIsNamedButItsValueNeverRepeated() {
        Map<String, Object> m = minimal();
        m.put("lastseen.schema.registry.basic.pasword", "hunter2-the-real-password");
        assertThatThrownBy(() -> ConfigLoader.fromMap(m))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("lastseen.schema.registry.basic.pasword")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aSecretStillHoldingTheExamplesChangeMeIsRefusedNamingTheKeyNotTheValue() {
        Map<String, Object> m = minimal();
        m.put(RegistryConfig.BASIC_USER, "lastseen");
        m.put(RegistryConfig.BASIC_PASSWORD, "CHANGE-ME-registry-password");
        assertThatThrownBy(() -> ConfigLoader.fromMap(m))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(RegistryConfig.BASIC_PASSWORD)
                .hasMessageContaining("CHANGE-ME")
                .hasMessageNotContaining("registry-password");
        m.put(RegistryConfig.BASIC_PASSWORD, "a-real-registry-password");
        assertThat(ConfigLoader.fromMap(m).registry().auth())
                .isEqualTo(RegistryAuth.basic("lastseen", "a-real-registry-password"));
    }

    @Test
    void secretFieldsDefaultToTheHashAndMustBeNonEmptyAvroFieldNames() {
        assertThat(ConfigLoader.fromMap(minimal()).secrets().fields()).containsExactly("client_secret_hash");
        Map<String, Object> two = minimal();
        two.put(SecretConfig.SECRET_FIELDS, "client_secret_hash, api_key");
        assertThat(ConfigLoader.fromMap(two).secrets().fields()).containsExactly("client_secret_hash", "api_key");
        for (String bad : new String[] {"", "client-secret", "1st"}) {
            Map<String, Object> m = minimal();
            m.put(SecretConfig.SECRET_FIELDS, bad);
            assertThatThrownBy(() -> ConfigLoader.fromMap(m))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(SecretConfig.SECRET_FIELDS);
        }
    }

    @Test
    void aMissingRequiredKeyIsNamed() {
        Map<String, Object> m = minimal();
        m.remove(RegistryConfig.URL);
        assertThatThrownBy(() -> ConfigLoader.fromMap(m))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(RegistryConfig.URL);
        Map<String, Object> noBootstrap = minimal();
        noBootstrap.remove(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
        assertThatThrownBy(() -> ConfigLoader.fromMap(noBootstrap))
                .hasMessageContaining("bootstrap.servers")
                .hasMessageContaining("LASTSEEN_BOOTSTRAP_SERVERS");
    }

    @Test
    void anInvalidValueIsRejectedNamingTheKey() {
        Map<String, Object> m = minimal();
        m.put(InputConfig.PATCH_GRANULARITY_MS, "soon");
        assertThatThrownBy(() -> ConfigLoader.fromMap(m)).hasMessageContaining(InputConfig.PATCH_GRANULARITY_MS);
        Map<String, Object> port = minimal();
        port.put(HttpServerConfig.HTTP_PORT, "70000");
        assertThatThrownBy(() -> ConfigLoader.fromMap(port)).hasMessageContaining(HttpServerConfig.HTTP_PORT);
        Map<String, Object> url = minimal();
        url.put(RegistryConfig.URL, "registry:8081");
        assertThatThrownBy(() -> ConfigLoader.fromMap(url))
                .hasMessageContaining(RegistryConfig.URL)
                .hasMessageContaining("http://");
    }

    @Test
    void theSecretRuleSettingsHaveSensibleDefaultsAndBadValuesAreRejectedNamingTheKey() {
        LastseenConfig defaults = ConfigLoader.fromMap(minimal());
        assertThat(defaults.secrets().minLength()).isEqualTo(16);
        assertThat(defaults.secrets().placeholders()).contains("REDACTED", "****", "null", "none", "changeme");

        Map<String, Object> custom = minimal();
        custom.put(SecretConfig.SECRET_MIN_LENGTH, "32");
        custom.put(SecretConfig.SECRET_PLACEHOLDERS, " not-a-real-hash-value , TODO ");
        LastseenConfig c = ConfigLoader.fromMap(custom);
        assertThat(c.secrets().minLength()).isEqualTo(32);
        assertThat(c.secrets().placeholders()).containsExactly("not-a-real-hash-value", "TODO");
        Map<String, Object> none = minimal();
        none.put(SecretConfig.SECRET_PLACEHOLDERS, "");
        assertThat(ConfigLoader.fromMap(none).secrets().placeholders()).isEmpty();

        for (String bad : new String[] {"0", "1025", "sixteen"}) {
            Map<String, Object> m = minimal();
            m.put(SecretConfig.SECRET_MIN_LENGTH, bad);
            assertThatThrownBy(() -> ConfigLoader.fromMap(m))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(SecretConfig.SECRET_MIN_LENGTH);
        }
        Map<String, Object> emptyEntry = minimal();
        emptyEntry.put(SecretConfig.SECRET_PLACEHOLDERS, "REDACTED,,none");
        assertThatThrownBy(() -> ConfigLoader.fromMap(emptyEntry))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SecretConfig.SECRET_PLACEHOLDERS)
                .hasMessageContaining("entry #2");
    }

    @Test
    void retentionsDefaultToThirtyDaysAndZeroKeepsForever() {
        LastseenConfig defaults = ConfigLoader.fromMap(minimal());
        assertThat(defaults.retention().retired().toDays()).isEqualTo(30);
        assertThat(defaults.retention().lastSeenGuard().toDays()).isEqualTo(30);
        assertThat(defaults.retention().neverSeen().toDays()).isEqualTo(7);
        Map<String, Object> m = minimal();
        m.put(UsageConfig.RETIRED_RETENTION_MS, "-1");
        assertThatThrownBy(() -> ConfigLoader.fromMap(m)).hasMessageContaining(UsageConfig.RETIRED_RETENTION_MS);
    }

    @Test
    void aMisspelledLastseenKeyIsRejectedRatherThanIgnored() {
        Map<String, Object> m = minimal();
        m.put("lastseen.last-seen.granularity", "1000");
        assertThatThrownBy(() -> ConfigLoader.fromMap(m))
                .hasMessageContaining("lastseen.last-seen.granularity")
                .hasMessageContaining("unknown");
    }

    @Test
    void anInvalidKafkaStreamsValueIsNamedByKafkaStreams() {
        Map<String, Object> m = minimal();
        m.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "many");
        assertThatThrownBy(() -> ConfigLoader.fromMap(m))
                .hasMessageContaining(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG);
    }

    @Test
    void environmentOverridesTheFile() throws Exception {
        Path file = dir.resolve("lastseen.properties");
        Files.writeString(
                file,
                "bootstrap.servers=file:9092\nlastseen.schema.registry.url=http://r:8081\nlastseen.http.port=8000\n");
        LastseenConfig c = ConfigLoader.load(
                file,
                Map.of(
                        "LASTSEEN_HTTP_PORT",
                        "9000",
                        "LASTSEEN_BOOTSTRAP_SERVERS",
                        "env:9092",
                        "LASTSEEN_NUM_STANDBY_REPLICAS",
                        "1",
                        "LASTSEEN_SASL_MECHANISM",
                        "SCRAM-SHA-512"));
        assertThat(c.http().port()).isEqualTo(9000);
        assertThat(c.streams())
                .containsEntry("bootstrap.servers", "env:9092")
                .containsEntry("num.standby.replicas", "1")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(ConfigLoader.envName("lastseen.last-seen.granularity.ms"))
                .isEqualTo("LASTSEEN_LAST_SEEN_GRANULARITY_MS");
    }

    @Test
    void theOldGlobalApiKeySettingsAreRefusedWithAMessageThatSaysWhatToDoWithoutEchoingTheKeys() {
        for (String old : List.of("lastseen.api.keys", "lastseen.api.keys.file")) {
            Map<String, Object> m = minimal();
            m.put(old, "an-old-global-api-key-0123456789");
            assertThatThrownBy(() -> ConfigLoader.fromMap(m))
                    .hasMessageContaining(old)
                    .hasMessageContaining(ApiAccessConfig.KEY_FILE)
                    .hasMessageContaining("lastseen api-key digest")
                    .hasMessageNotContaining("an-old-global-api-key-0123456789");
        }
        Map<String, Object> m = minimal();
        m.put(ApiAccessConfig.KEY_FILE, "/etc/lastseen/api-keys");
        assertThatThrownBy(() -> ConfigLoader.fromMap(m))
                .as("API keys over plain HTTP")
                .hasMessageContaining("plain HTTP")
                .hasMessageContaining(PeerAuthConfig.DEV_PLAIN_HTTP);
        m.put(PeerAuthConfig.DEV_PLAIN_HTTP, "true");
        assertThat(ConfigLoader.fromMap(m).apiAccess().keyFile()).isEqualTo("/etc/lastseen/api-keys");
    }

    @Test
    void forwardingNeedsTheAllowedHostsAndTlsUnlessTheDevelopmentFlagAllowsPlainHttp() {
        String credential = "a-deployment-credential-0123456789abcdef";
        Map<String, Object> noHosts = minimal();
        noHosts.put(QueryConfig.QUERY_FORWARD_CREDENTIAL, credential);
        assertThatThrownBy(() -> ConfigLoader.fromMap(noHosts))
                .hasMessageContaining(PeerAuthConfig.FORWARD_ALLOWED_HOSTS);

        Map<String, Object> plain = minimal();
        plain.put(QueryConfig.QUERY_FORWARD_CREDENTIAL, credential);
        plain.put(PeerAuthConfig.FORWARD_ALLOWED_HOSTS, "lastseen-[0-9]+");
        assertThatThrownBy(() -> ConfigLoader.fromMap(plain))
                .hasMessageContaining("plain HTTP")
                .hasMessageContaining(PeerAuthConfig.DEV_PLAIN_HTTP)
                .hasMessageNotContaining(credential);

        plain.put(PeerAuthConfig.DEV_PLAIN_HTTP, "true");
        assertThat(ConfigLoader.fromMap(plain).query().forwardHosts().pattern()).isEqualTo("lastseen-[0-9]+");
    }

    @Test
    void forwardingOverTlsWithoutATruststoreIsRefusedRatherThanTrustingPublicCas() {
        Map<String, Object> m = minimal();
        m.put(QueryConfig.QUERY_FORWARD_CREDENTIAL, "a-deployment-credential-0123456789abcdef");
        m.put(PeerAuthConfig.FORWARD_ALLOWED_HOSTS, "localhost");
        m.put(HttpServerConfig.HTTP_TLS_KEYSTORE_PATH, TLS.keystore().path());
        m.put(HttpServerConfig.HTTP_TLS_KEYSTORE_PASSWORD, TLS.password());
        assertThatThrownBy(() -> ConfigLoader.fromMap(m))
                .hasMessageContaining(QueryConfig.QUERY_FORWARD_TRUSTSTORE_PATH)
                .hasMessageContaining("public CAs");

        m.put(QueryConfig.QUERY_FORWARD_TRUSTSTORE_PATH, TLS.truststore().path());
        m.put(QueryConfig.QUERY_FORWARD_TRUSTSTORE_PASSWORD, TLS.password());
        assertThat(ConfigLoader.fromMap(m).query().forwardTrust()).isNotNull();
    }

    @Test
    void anOversizedConfigurationFileIsRejectedBeforeReading() throws Exception {
        // Its first byte is not UTF-8: whoever reads the file fails on it at once, with another message.
        byte[] unreadable = new byte[(int) ConfigSources.MAX_FILE_BYTES + 1];
        unreadable[0] = (byte) 0xFF;
        Path big = dir.resolve("big.properties");
        Files.write(big, unreadable);
        Path small = dir.resolve("small.properties");
        Files.write(small, new byte[] {(byte) 0xFF, 'a', '=', 'b'});

        assertThatThrownBy(() -> ConfigLoader.load(small, Map.of()))
                .as("reading such a file fails on its content")
                .hasMessageContaining("Cannot read configuration file");
        assertThatThrownBy(() -> ConfigLoader.load(big, Map.of()))
                .as("the oversized one is refused by its size alone, its content never read")
                .hasMessageContaining(
                        "is " + unreadable.length + " bytes, over the bound of " + ConfigSources.MAX_FILE_BYTES)
                .hasMessageNotContaining("Cannot read");
    }

    @Test
    void toStringNeverShowsKeysOrPasswords() {
        Map<String, Object> m = minimal();
        m.put(QueryConfig.QUERY_FORWARD_CREDENTIAL, "super-secret-instance-credential-0123456789");
        m.put(PeerAuthConfig.FORWARD_ALLOWED_HOSTS, "localhost");
        m.put(PeerAuthConfig.DEV_PLAIN_HTTP, "true");
        m.put(RegistryConfig.BASIC_USER, "svc");
        m.put(RegistryConfig.BASIC_PASSWORD, "registry-password");
        String printed = ConfigLoader.fromMap(m).toString();
        assertThat(printed)
                .doesNotContain("super-secret-instance-credential-0123456789")
                .doesNotContain("registry-password");
    }

    @Test
    void anInstanceIdMakesAStaticMemberAndStaysInTheGroupOnShutdownByDefault() {
        LastseenConfig dynamic = ConfigLoader.fromMap(minimal());
        assertThat(dynamic.resilience().staticMember()).isFalse();
        assertThat(dynamic.resilience().leavesGroupOnShutdown()).isTrue();
        assertThat(dynamic.streams()).doesNotContainKey("group.instance.id");

        Map<String, Object> m = minimal();
        m.put(RestartConfig.INSTANCE_ID, "lastseen-2");
        LastseenConfig c = ConfigLoader.fromMap(m);
        assertThat(c.resilience().instanceId()).isEqualTo("lastseen-2");
        assertThat(c.streams()).containsEntry("group.instance.id", "lastseen-2");
        assertThat(c.resilience().leavesGroupOnShutdown()).isFalse();
        assertThat(c.resilience().shutdownTimeout().toSeconds()).isEqualTo(30);
        assertThat(c.resilience().recordMaxRetries()).isEqualTo(2);

        m.put(RestartConfig.SHUTDOWN_LEAVE_GROUP, "always");
        assertThat(ConfigLoader.fromMap(m).resilience().leavesGroupOnShutdown()).isTrue();
    }

    @Test
    void theInstanceIdComesFromTheEnvironmentAsTheManifestsSetIt() throws Exception {
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "bootstrap.servers=b:9092\nlastseen.schema.registry.url=http://r:8081\n");
        LastseenConfig c = ConfigLoader.load(file, Map.of("LASTSEEN_INSTANCE_ID", "lastseen-0"));
        assertThat(c.resilience().instanceId()).isEqualTo("lastseen-0");
    }

    @Test
    void anInstanceIdKafkaWouldRefuseIsRejectedNamingTheKey() {
        for (String bad : new String[] {"", "pod name", "lastseen/0", "x".repeat(241)}) {
            Map<String, Object> m = minimal();
            m.put(RestartConfig.INSTANCE_ID, bad);
            assertThatThrownBy(() -> ConfigLoader.fromMap(m))
                    .as("'%s'", bad)
                    .hasMessageContaining(RestartConfig.INSTANCE_ID);
        }
    }

    @Test
    void groupInstanceIdCannotBeSetBesideTheInstanceId() {
        for (String key :
                new String[] {"group.instance.id", "consumer.group.instance.id", "main.consumer.group.instance.id"}) {
            Map<String, Object> m = minimal();
            m.put(key, "lastseen-0");
            assertThatThrownBy(() -> ConfigLoader.fromMap(m))
                    .hasMessageContaining(key)
                    .hasMessageContaining(RestartConfig.INSTANCE_ID);
        }
    }

    @Test
    void underExactlyOnceStateStoresAreTransactionalWithTheirBufferBoundedByTheLastseenKey() {
        LastseenConfig c = ConfigLoader.fromMap(minimal());
        assertThat(c.streams())
                .containsEntry(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, true)
                .containsEntry(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG, 32L * 1024 * 1024);
        Map<String, Object> m = minimal();
        m.put(KafkaStreamsConfig.STATE_UNCOMMITTED_MAX_BYTES, "16777216");
        assertThat(ConfigLoader.fromMap(m).streams())
                .containsEntry(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG, 16L * 1024 * 1024);

        Map<String, Object> atLeastOnce = minimal();
        atLeastOnce.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        assertThat(ConfigLoader.fromMap(atLeastOnce).streams())
                .doesNotContainKey(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG);

        Map<String, Object> direct = minimal();
        direct.put(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG, "-1");
        assertThatThrownBy(() -> ConfigLoader.fromMap(direct))
                .hasMessageContaining(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG)
                .hasMessageContaining(KafkaStreamsConfig.STATE_UNCOMMITTED_MAX_BYTES);
        Map<String, Object> tiny = minimal();
        tiny.put(KafkaStreamsConfig.STATE_UNCOMMITTED_MAX_BYTES, "1000");
        assertThatThrownBy(() -> ConfigLoader.fromMap(tiny))
                .hasMessageContaining(KafkaStreamsConfig.STATE_UNCOMMITTED_MAX_BYTES);
    }

    @Test
    void theShutdownDrainDefaultsToTheFiveSecondsOfTheKubernetesPreStopPauseAndIsBounded() {
        assertThat(ConfigLoader.fromMap(minimal()).resilience().shutdownDrain())
                .isEqualTo(java.time.Duration.ofSeconds(5));
        Map<String, Object> m = minimal();
        m.put(RestartConfig.SHUTDOWN_DRAIN_MS, "0");
        assertThat(ConfigLoader.fromMap(m).resilience().shutdownDrain()).isZero();
        m.put(RestartConfig.SHUTDOWN_DRAIN_MS, "-1");
        assertThatThrownBy(() -> ConfigLoader.fromMap(m)).hasMessageContaining(RestartConfig.SHUTDOWN_DRAIN_MS);
    }

    @Test
    void shutdownAndRetrySettingsAreBounded() {
        Map<String, Object> leave = minimal();
        leave.put(RestartConfig.SHUTDOWN_LEAVE_GROUP, "sometimes");
        assertThatThrownBy(() -> ConfigLoader.fromMap(leave)).hasMessageContaining(RestartConfig.SHUTDOWN_LEAVE_GROUP);
        Map<String, Object> retries = minimal();
        retries.put(RestartConfig.RECORD_MAX_RETRIES, "1000");
        assertThatThrownBy(() -> ConfigLoader.fromMap(retries)).hasMessageContaining(RestartConfig.RECORD_MAX_RETRIES);
        Map<String, Object> timeout = minimal();
        timeout.put(RestartConfig.SHUTDOWN_TIMEOUT_MS, "10");
        assertThatThrownBy(() -> ConfigLoader.fromMap(timeout)).hasMessageContaining(RestartConfig.SHUTDOWN_TIMEOUT_MS);
    }

    @Test
    void theHttpLimitsAreTypedValidatedAndNamedWhenWrong() {
        HttpServerSettings http = ConfigLoader.fromMap(minimal()).http();
        assertThat(http.managementPort()).isEqualTo(7072);
        assertThat(http.limits()).isEqualTo(HttpServerSettings.Limits.DEFAULTS);
        assertThat(http.tls()).isNull();

        Map<String, Object> samePort = minimal();
        samePort.put(HttpServerConfig.HTTP_MANAGEMENT_PORT, "7070");
        assertThatThrownBy(() -> ConfigLoader.fromMap(samePort))
                .hasMessageContaining(HttpServerConfig.HTTP_MANAGEMENT_PORT);
        Map<String, Object> fewThreads = minimal();
        fewThreads.put(HttpServerConfig.HTTP_MAX_CONCURRENT_QUERIES, "100");
        assertThatThrownBy(() -> ConfigLoader.fromMap(fewThreads))
                .hasMessageContaining(HttpServerConfig.HTTP_THREADS)
                .hasMessageContaining(HttpServerConfig.HTTP_MAX_CONCURRENT_QUERIES);
        for (String key : new String[] {
            HttpServerConfig.HTTP_MAX_CONNECTIONS,
            HttpServerConfig.HTTP_MAX_HEADER_BYTES,
            HttpServerConfig.HTTP_IDLE_TIMEOUT_MS
        }) {
            Map<String, Object> m = minimal();
            m.put(key, "0");
            assertThatThrownBy(() -> ConfigLoader.fromMap(m)).hasMessageContaining(key);
        }
    }

    @Test
    void theInstanceCredentialIsCheckedAndNeverShown() {
        Map<String, Object> shortOne = minimal();
        shortOne.put(QueryConfig.QUERY_FORWARD_CREDENTIAL, "too-short-secret");
        assertThatThrownBy(() -> ConfigLoader.fromMap(shortOne))
                .hasMessageContaining(QueryConfig.QUERY_FORWARD_CREDENTIAL)
                .hasMessageNotContaining("too-short-secret");

        Map<String, Object> m = minimal();
        String credential = "a-deployment-credential-0123456789abcdef";
        m.put(QueryConfig.QUERY_FORWARD_CREDENTIAL, credential);
        m.put(PeerAuthConfig.FORWARD_ALLOWED_HOSTS, "localhost");
        m.put(PeerAuthConfig.DEV_PLAIN_HTTP, "true");
        LastseenConfig c = ConfigLoader.fromMap(m);
        assertThat(c.query().forwardCredential()).isEqualTo(credential);

        // Rotation: two accepted, the first sent.
        Map<String, Object> rotating = minimal();
        String next = "the-next-deployment-credential-0123456789";
        rotating.put(QueryConfig.QUERY_FORWARD_CREDENTIAL, next + ", " + credential);
        rotating.put(PeerAuthConfig.FORWARD_ALLOWED_HOSTS, "localhost");
        rotating.put(PeerAuthConfig.DEV_PLAIN_HTTP, "true");
        LastseenConfig r = ConfigLoader.fromMap(rotating);
        assertThat(r.query().forwardCredentials()).containsExactly(next, credential);
        assertThat(r.query().forwardCredential()).isEqualTo(next);
        assertThat(c.toString()).doesNotContain(credential);
        assertThat(c.query().toString()).doesNotContain(credential);
    }

    @Test
    void aKeystoreThatCannotBeOpenedFailsStartUpNamingItsKey() throws Exception {
        Map<String, Object> missing = minimal();
        missing.put(
                HttpServerConfig.HTTP_TLS_KEYSTORE_PATH,
                dir.resolve("absent.p12").toString());
        missing.put(HttpServerConfig.HTTP_TLS_KEYSTORE_PASSWORD, "pw");
        assertThatThrownBy(() -> ConfigLoader.fromMap(missing))
                .hasMessageContaining(HttpServerConfig.HTTP_TLS_KEYSTORE_PATH);

        Path garbage = Files.writeString(dir.resolve("garbage.p12"), "not a keystore");
        Map<String, Object> wrong = minimal();
        wrong.put(QueryConfig.QUERY_FORWARD_TRUSTSTORE_PATH, garbage.toString());
        wrong.put(QueryConfig.QUERY_FORWARD_TRUSTSTORE_PASSWORD, "secret-pw");
        assertThatThrownBy(() -> ConfigLoader.fromMap(wrong))
                .hasMessageContaining(QueryConfig.QUERY_FORWARD_TRUSTSTORE_PATH)
                .hasMessageNotContaining("secret-pw");

        Map<String, Object> passwordOnly = minimal();
        passwordOnly.put(HttpServerConfig.HTTP_TLS_KEYSTORE_PASSWORD, "pw");
        assertThatThrownBy(() -> ConfigLoader.fromMap(passwordOnly))
                .hasMessageContaining(HttpServerConfig.HTTP_TLS_KEYSTORE_PATH);
    }

    @Test
    void aRegistryTruststoreThatCannotBeOpenedFailsStartUpNamingItsKey() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.p12"), "not a truststore");
        Map<String, Object> wrong = minimal();
        wrong.put(RegistryConfig.TRUSTSTORE_PATH, garbage.toString());
        wrong.put(RegistryConfig.TRUSTSTORE_PASSWORD, "trust-pw-secret");
        assertThatThrownBy(() -> ConfigLoader.fromMap(wrong))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(RegistryConfig.TRUSTSTORE_PATH)
                .hasMessageNotContaining("trust-pw-secret");
    }

    @Test
    void kafkaSecuritySettingsReachKafkaStreamsAndTheStartUpChecksAdminClient() {
        Map<String, Object> m = minimal();
        m.put("security.protocol", "SASL_SSL");
        m.put("sasl.mechanism", "PLAIN");
        m.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required;");
        m.put("ssl.truststore.location", "/etc/lastseen/kafka-ca.p12");
        LastseenConfig c = ConfigLoader.fromMap(m);
        for (Map<String, Object> client :
                java.util.List.of(c.streams(), ClientConfigs.admin(c, java.time.Duration.ofSeconds(1)))) {
            assertThat(client)
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "PLAIN")
                    .containsKey("sasl.jaas.config")
                    .containsEntry("ssl.truststore.location", "/etc/lastseen/kafka-ca.p12");
        }
    }

    @Test
    void theNeverSeenCapIsBounded() {
        assertThat(ConfigLoader.fromMap(minimal()).neverSeenMaxEntries()).isEqualTo(1_000_000);
        Map<String, Object> m = minimal();
        m.put(UsageConfig.NEVER_SEEN_MAX_ENTRIES, "0");
        assertThatThrownBy(() -> ConfigLoader.fromMap(m)).hasMessageContaining(UsageConfig.NEVER_SEEN_MAX_ENTRIES);
    }
}
