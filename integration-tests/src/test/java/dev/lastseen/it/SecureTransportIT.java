package dev.lastseen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lastseen.app.http.TestHttp;
import dev.lastseen.applier.ApplierConfigLoader;
import dev.lastseen.applier.BatchConfig;
import dev.lastseen.applier.DatabaseConfig;
import dev.lastseen.applier.Target;
import dev.lastseen.applier.testing.ApplierDatabase;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.config.RegistryConfig;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.devtools.kafka.EmbeddedKraftBroker;
import dev.lastseen.registry.RegistrySettings;
import dev.lastseen.registry.RestSchemaRegistryClient;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.testing.TestRecords;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code lastseen run} and {@code lastseen apply} against a secured cluster, configured only through
 * documented keys: a broker whose client listener is SASL_SSL (PLAIN, a self-signed certificate
 * made by keytool) and the real Apicurio registry behind a TLS-terminating proxy that requires
 * basic auth. An independent producer writes over SASL_SSL; the token's last-seen shows in the
 * REST API and in PostgreSQL. A wrong broker password and a wrong registry password each stop
 * start-up with exit code 2 and a message naming what to fix.
 */
@ExtendWith(ApicurioRegistryExtension.class)
class SecureTransportIT {
    private static final Path WORK = ItPaths.workDir("secure-transport");
    private static final TestCertificates CERTS = TestCertificates.create(WORK.resolve("tls"));
    private static final String KAFKA_USER = "lastseen";
    private static final String KAFKA_PASSWORD = "kafka-password-" + Long.toHexString(System.nanoTime());
    private static final String PRODUCER_USER = "login-service";
    private static final String PRODUCER_PASSWORD = "producer-password-" + Long.toHexString(System.nanoTime());
    private static final String REGISTRY_USER = "lastseen-registry";
    private static final String REGISTRY_PASSWORD = "registry-password-" + Long.toHexString(System.nanoTime());
    private static final String API_KEY = "secure-transport-it-key-0123456789";
    private static final Duration READY = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final KraftBrokerExtension KAFKA =
            KraftBrokerExtension.withSaslSsl(() -> new EmbeddedKraftBroker.SaslSslListener(
                    0,
                    CERTS.keyStore(),
                    CERTS.password(),
                    Map.of(KAFKA_USER, KAFKA_PASSWORD, PRODUCER_USER, PRODUCER_PASSWORD)));

    @RegisterExtension
    static final PostgresPerClassExtension POSTGRES = new PostgresPerClassExtension();

    @RegisterExtension
    final LastseenProcesses processes = new LastseenProcesses();

    private static TlsBasicAuthProxy registryProxy;
    private static TopicNames topics;

    @BeforeAll
    static void secureRegistryAndTopics(ApicurioRegistry apicurio) {
        registryProxy = TlsBasicAuthProxy.start(
                CERTS, URI.create("http://127.0.0.1:" + apicurio.port()), REGISTRY_USER, REGISTRY_PASSWORD);
        topics = ItKafka.topics("sec-");
        KAFKA.createTopics(topics, ItKafka.PARTITIONS); // set-up through the broker's own PLAINTEXT admin
        KAFKA.broker().createTopic("sec-lastseen-apply-dlq", 1, Map.of());
    }

    @AfterAll
    static void stopProxy() {
        if (registryProxy != null) {
            registryProxy.close();
        }
    }

    @Test
    void runAndApplyRecordLastSeenOverSaslSslAndAnHttpsRegistryWithBasicAuth() throws Exception {
        ApplierDatabase db = ApplierDatabase.create(POSTGRES.server(), Target.Layout.USAGE_TABLE);
        db.insertTokens(Map.of("tok-s1", "$2b$12$tok-s1-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH"));
        String bootstrap = KAFKA.broker().saslSslBootstrapServers();

        LastseenProcess app =
                processes.create("run", WORK, runConfig(kafkaSecurity(KAFKA_PASSWORD), REGISTRY_PASSWORD));
        Map<String, Object> applierSettings = new HashMap<>(db.configMap());
        applierSettings.remove(DatabaseConfig.MIGRATE_USER);
        applierSettings.putAll(kafkaSecurity(KAFKA_PASSWORD));
        applierSettings.putAll(registrySecurity(REGISTRY_PASSWORD));
        applierSettings.put(RegistryConfig.URL, registryProxy.url("/apis/ccompat/v7"));
        applierSettings.put("bootstrap.servers", bootstrap);
        applierSettings.put("group.id", "sec-apply");
        applierSettings.put(ApplierConfigLoader.TOPIC, topics.tokenLastSeen());
        applierSettings.put(ApplierConfigLoader.DLQ_TOPIC, "sec-lastseen-apply-dlq");
        applierSettings.put(ApplierConfigLoader.HTTP_HOST, "127.0.0.1");
        applierSettings.put(BatchConfig.BATCH_LINGER_MS, "50");
        LastseenProcess applier = processes.createApplier("apply", WORK, applierSettings);
        long forwardedBefore = registryProxy.forwarded();
        app.start();
        applier.start();
        await("run and apply ready")
                .atMost(READY)
                .pollInterval(Duration.ofMillis(250))
                .failFast(
                        "a process exited; see " + app.log() + " and " + applier.log(),
                        () -> !app.isAlive() || !applier.isAlive())
                .until(() -> app.isReady() && applier.isReady());

        Instant seen = Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
        RestSchemaRegistryClient registry =
                new RestSchemaRegistryClient(RegistrySettings.builder(registryProxy.url("/apis/ccompat/v7"))
                        .basicAuth(REGISTRY_USER, REGISTRY_PASSWORD)
                        .trustStore(CERTS.trustStore(), CERTS.password(), "PKCS12")
                        .build());
        Map<String, Object> producer = new HashMap<>(ItKafka.producerConfig(bootstrap));
        producer.putAll(kafkaSecurity(PRODUCER_USER, PRODUCER_PASSWORD));
        try (KafkaProducer<String, ServiceToken> tokens = new KafkaProducer<>(
                        producer,
                        new StringSerializer(),
                        new SpecificAvroSerializer<>(registry, ServiceToken.class, true));
                KafkaProducer<String, LoginEvent> logins = new KafkaProducer<>(
                        producer,
                        new StringSerializer(),
                        new SpecificAvroSerializer<>(registry, LoginEvent.class, true))) {
            tokens.send(new ProducerRecord<>(
                            topics.serviceTokens(),
                            "tok-s1",
                            TestRecords.token("acct-s", "tok-s1", ItKafka.secret("tok-s1"))))
                    .get();
            logins.send(new ProducerRecord<>(
                            topics.loginEvents(), "acct-s", TestRecords.success("acct-s", "tok-s1", seen)))
                    .get();
        }

        await("last-seen served by the REST API")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(lastSeenAt(app)).isEqualTo(seen.toString()));
        await("last-seen written to PostgreSQL by lastseen apply")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(db.lastSeenByToken()).isEqualTo(Map.of("tok-s1", seen.toEpochMilli())));
        assertThat(registryProxy.forwarded() - forwardedBefore)
                .as("lastseen reached the registry through the TLS proxy")
                .isPositive();
        assertThat(app.isAlive() && applier.isAlive()).isTrue();
    }

    @Test
    void aWrongBrokerPasswordStopsStartUpNamingTheCredentials() throws Exception {
        LastseenProcess app = processes.create(
                "run-wrong-kafka-password", WORK, runConfig(kafkaSecurity("not-" + KAFKA_PASSWORD), REGISTRY_PASSWORD));
        app.start();
        assertThat(app.awaitExit(READY)).as(app.logTail(20)).isEqualTo(2);
        assertThat(app.logText())
                .contains("Authentication failed")
                .contains("credentials")
                .doesNotContain(KAFKA_PASSWORD);
    }

    @Test
    void aWrongRegistryPasswordStopsStartUpNamingTheRegistryCredentials() throws Exception {
        LastseenProcess app = processes.create(
                "run-wrong-registry-password",
                WORK,
                runConfig(kafkaSecurity(KAFKA_PASSWORD), "not-" + REGISTRY_PASSWORD));
        app.start();
        assertThat(app.awaitExit(READY)).as(app.logTail(20)).isEqualTo(2);
        assertThat(app.logText())
                .contains("HTTP 401")
                .contains("the registry credentials")
                .doesNotContain(REGISTRY_PASSWORD);
    }

    private static Map<String, Object> runConfig(Map<String, String> kafkaSecurity, String registryPassword) {
        Map<String, Object> c = ItKafka.appConfig(
                KAFKA.broker().saslSslBootstrapServers(),
                registryProxy.url("/apis/ccompat/v7"),
                topics,
                "sec-app",
                WORK.resolve("state-" + System.nanoTime()));
        c.putAll(kafkaSecurity);
        c.putAll(registrySecurity(registryPassword));
        c.putAll(ItApiKeys.plainHttp(WORK, API_KEY));
        return c;
    }

    /** What docs/REFERENCE.md's "Connecting to a secured cluster" lists for Kafka. */
    private static Map<String, String> kafkaSecurity(String password) {
        return kafkaSecurity(KAFKA_USER, password);
    }

    private static Map<String, String> kafkaSecurity(String user, String password) {
        return Map.of(
                "security.protocol",
                "SASL_SSL",
                "sasl.mechanism",
                "PLAIN",
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\""
                        + password + "\";",
                "ssl.truststore.location",
                CERTS.trustStore().toString(),
                "ssl.truststore.password",
                CERTS.password(),
                "ssl.truststore.type",
                "PKCS12");
    }

    /** What docs/REFERENCE.md's "Connecting to a secured cluster" lists for the registry. */
    private static Map<String, String> registrySecurity(String password) {
        return Map.of(
                RegistryConfig.BASIC_USER,
                REGISTRY_USER,
                RegistryConfig.BASIC_PASSWORD,
                password,
                RegistryConfig.TRUSTSTORE_PATH,
                CERTS.trustStore().toString(),
                RegistryConfig.TRUSTSTORE_PASSWORD,
                CERTS.password());
    }

    private static String lastSeenAt(LastseenProcess app) throws Exception {
        HttpResponse<String> r = new TestHttp().get(app.baseUrl() + "/v1/accounts/acct-s/tokens/tok-s1", API_KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode usage = JSON.readTree(r.body()).get("token").get("usage");
        return usage == null || usage.isNull()
                ? null
                : usage.get("last_seen_at").asText();
    }
}
