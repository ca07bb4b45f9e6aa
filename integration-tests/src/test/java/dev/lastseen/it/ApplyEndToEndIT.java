package dev.lastseen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lastseen.applier.ApplierConfigLoader;
import dev.lastseen.applier.BatchConfig;
import dev.lastseen.applier.DatabaseConfig;
import dev.lastseen.applier.Target;
import dev.lastseen.applier.testing.ApplierDatabase;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.config.RegistryConfig;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.postgres.PostgresServer;
import dev.lastseen.registry.RestSchemaRegistryClient;
import dev.lastseen.serde.DeadLetterHeaders;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.testing.TestRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Last-seen into the system of record, end to end, on real components: a KRaft broker, the
 * Apicurio registry, a PostgreSQL server, and {@code lastseen run} and {@code lastseen apply} as
 * separate processes. The tokens table holds known secret hashes; a storm of logins runs while
 * the applier is SIGKILLed and restarted and the database is stopped and started. Afterwards
 * every token's usage row equals the oracle (the latest successful login the broker acknowledged;
 * patch granularity 0, so exactly), every secret hash is byte-identical, and the audit trigger
 * recorded no change that moved last_seen_at backwards. A garbage patch lands in the apply DLQ.
 * Prints an "APPLY-E2E-REPORT". Budget: about 60 s.
 */
@ExtendWith(ApicurioRegistryExtension.class)
class ApplyEndToEndIT {
    @RegisterExtension
    static final KraftBrokerExtension KAFKA = KraftBrokerExtension.shared();

    @RegisterExtension
    static final PostgresPerClassExtension POSTGRES = new PostgresPerClassExtension();

    @RegisterExtension
    final LastseenProcesses processes = new LastseenProcesses();

    private static final int PARTITIONS = 3;
    private static final int ACCOUNTS = 6;
    private static final int TOKENS_PER_ACCOUNT = 10;
    private static final int LOGINS_PER_SECOND = 400;
    private static final Duration READY = Duration.ofMinutes(2);

    @Test
    void usageRowsEqualTheOracleAndNoSecretChangesThroughAnApplierKillAndADatabaseRestart(ApicurioRegistry apicurio)
            throws Exception {
        Path work = ItPaths.workDir("apply-e2e");
        List<String> report = new ArrayList<>();
        PostgresServer postgres = POSTGRES.server();
        AtomicBoolean producing = new AtomicBoolean(true);
        try {
            String bootstrap = KAFKA.bootstrapServers();
            TopicNames topics = ItKafka.topics("apply-");
            KAFKA.createTopics(topics, PARTITIONS);
            String applyDlq = "apply-lastseen-apply-dlq";
            KAFKA.broker().createTopic(applyDlq, 1, Map.of());
            RestSchemaRegistryClient registry = RestSchemaRegistryClient.create(apicurio.url());

            ApplierDatabase db = ApplierDatabase.create(postgres, Target.Layout.USAGE_TABLE);
            List<String[]> tokens = tokens();
            Map<String, String> hashes = new LinkedHashMap<>();
            tokens.forEach(
                    t -> hashes.put(t[1], "$2b$12$" + t[1] + "-" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH"));
            db.insertTokens(hashes);
            db.installAudit();
            publishRegistry(bootstrap, registry, topics, tokens);

            LastseenProcess app = processes.create(
                    "run",
                    work,
                    ItKafka.appConfig(bootstrap, apicurio.url(), topics, "apply-e2e-app", work.resolve("state")));
            LastseenProcess applier = processes.createApplier(
                    "apply", work, applyConfig(db, bootstrap, apicurio.url(), topics, applyDlq));
            app.start();
            applier.start();
            LastseenProcess fApp = app;
            LastseenProcess fApplier = applier;
            await("both processes ready")
                    .atMost(READY)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> fApp.isReady() && fApplier.isReady());

            Map<String, Long> oracle = new ConcurrentHashMap<>();
            AtomicLong acked = new AtomicLong();
            AtomicReference<Exception> sendFailure = new AtomicReference<>();
            Thread load = new Thread(
                    () -> storm(bootstrap, registry, topics, tokens, producing, acked, oracle, sendFailure),
                    "apply-e2e-storm");
            load.start();

            await().atMost(Duration.ofMinutes(1)).until(() -> acked.get() >= 1_500);
            applier.kill();
            long killedAt = System.nanoTime();
            report.add("SIGKILL lastseen apply after " + acked.get() + " acked logins");
            await().atMost(Duration.ofMinutes(1)).until(() -> acked.get() >= 3_000);
            applier.start();
            await("applier ready after restart")
                    .atMost(READY)
                    .pollInterval(Duration.ofMillis(250))
                    .until(fApplier::isReady);
            report.add(String.format(
                    "lastseen apply ready again %.1f s after the kill", (System.nanoTime() - killedAt) / 1e9));

            await().atMost(Duration.ofMinutes(1)).until(() -> acked.get() >= 4_500);
            long stoppedAt = System.nanoTime();
            postgres.stop();
            await("applier reports not ready while the database is down")
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> !fApplier.isReady());
            long target = acked.get() + 1_500;
            await().atMost(Duration.ofMinutes(1)).until(() -> acked.get() >= target);
            postgres.start();
            long restartedAt = System.nanoTime();
            report.add(String.format("database down for %.1f s", (restartedAt - stoppedAt) / 1e9));
            await("applier ready after the database is back")
                    .atMost(READY)
                    .pollInterval(Duration.ofMillis(250))
                    .until(fApplier::isReady);
            report.add(String.format(
                    "lastseen apply ready %.1f s after the database came back",
                    (System.nanoTime() - restartedAt) / 1e9));

            long end = acked.get() + 1_500;
            await().atMost(Duration.ofMinutes(1)).until(() -> acked.get() >= end);
            producing.set(false);
            load.join(60_000);
            assertThat(sendFailure.get()).as("every login acknowledged").isNull();
            report.add("logins acked: " + acked.get() + ", tokens with a successful login: " + oracle.size() + " of "
                    + tokens.size());

            sendGarbagePatch(bootstrap, topics.tokenLastSeen());
            long settle = System.nanoTime();
            await("usage rows equal the oracle")
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(db.lastSeenByToken()).isEqualTo(oracle));
            report.add(String.format(
                    "usage rows equal to the oracle %.1f s after the storm stopped",
                    (System.nanoTime() - settle) / 1e9));

            assertThat(db.secretHashes()).as("secret hashes byte-identical").isEqualTo(hashes);
            long changes = db.count("SELECT count(*) FROM last_seen_audit");
            long backwards =
                    db.count("SELECT count(*) FROM last_seen_audit WHERE old_at IS NOT NULL AND new_at < old_at");
            report.add("row changes recorded by the audit trigger: " + changes + ", backwards: " + backwards);
            assertThat(changes).isGreaterThanOrEqualTo(oracle.size());
            assertThat(backwards).isZero();

            List<ConsumerRecord<byte[], byte[]>> dead =
                    ItKafka.readUntil(bootstrap, applyDlq, Duration.ofSeconds(30), r -> !r.isEmpty());
            assertThat(dead).hasSize(1);
            assertThat(ItKafka.header(dead.get(0), DeadLetterHeaders.REASON)).isEqualTo("bad_magic_byte");
            assertThat(ItKafka.header(dead.get(0), DeadLetterHeaders.TOPIC)).isEqualTo(topics.tokenLastSeen());
            assertThat(app.isAlive() && applier.isAlive()).isTrue();
        } finally {
            producing.set(false);
            System.out.println("APPLY-E2E-REPORT\n  " + String.join("\n  ", report));
        }
    }

    private static Map<String, Object> applyConfig(
            ApplierDatabase db, String bootstrap, String registryUrl, TopicNames topics, String dlq) {
        Map<String, Object> c = new HashMap<>(db.configMap());
        c.remove(DatabaseConfig.MIGRATE_USER);
        c.put("bootstrap.servers", bootstrap);
        c.put(RegistryConfig.URL, registryUrl);
        c.put(ApplierConfigLoader.TOPIC, topics.tokenLastSeen());
        c.put(ApplierConfigLoader.DLQ_TOPIC, dlq);
        c.put(ApplierConfigLoader.HTTP_HOST, "127.0.0.1");
        c.put(BatchConfig.BATCH_LINGER_MS, "50");
        c.put(BatchConfig.RETRY_BACKOFF_MS, "200");
        c.put(BatchConfig.RETRY_BACKOFF_MAX_MS, "2000");
        c.put(DatabaseConfig.POOL_CONNECTION_TIMEOUT_MS, "1000");
        c.put("group.id", "apply-e2e");
        // A killed applier's partitions move in seconds rather than the default 45 s.
        c.put("session.timeout.ms", "6000");
        c.put("heartbeat.interval.ms", "1000");
        return c;
    }

    private static List<String[]> tokens() {
        List<String[]> tokens = new ArrayList<>();
        for (int a = 0; a < ACCOUNTS; a++) {
            for (int t = 0; t < TOKENS_PER_ACCOUNT; t++) {
                tokens.add(new String[] {"acct-" + a, "tok-" + a + "-" + t});
            }
        }
        return tokens;
    }

    private static void publishRegistry(
            String bootstrap, RestSchemaRegistryClient registry, TopicNames topics, List<String[]> tokens)
            throws Exception {
        try (KafkaProducer<String, ServiceToken> p = new KafkaProducer<>(
                ItKafka.producerConfig(bootstrap),
                new StringSerializer(),
                new SpecificAvroSerializer<>(registry, ServiceToken.class, true))) {
            for (String[] t : tokens) {
                p.send(new ProducerRecord<>(
                                topics.serviceTokens(),
                                t[1],
                                TestRecords.token(t[0], t[1], "registry-hash-of-" + t[1])))
                        .get();
            }
        }
    }

    /** Logins at a steady rate, out of order by up to 3 s, 10 % failures; the oracle keeps each token's latest acknowledged success. */
    private static void storm(
            String bootstrap,
            RestSchemaRegistryClient registry,
            TopicNames topics,
            List<String[]> tokens,
            AtomicBoolean producing,
            AtomicLong acked,
            Map<String, Long> oracle,
            AtomicReference<Exception> failure) {
        try (KafkaProducer<String, LoginEvent> p = new KafkaProducer<>(
                ItKafka.producerConfig(bootstrap),
                new StringSerializer(),
                new SpecificAvroSerializer<>(registry, LoginEvent.class, true))) {
            long n = 0;
            long interval = 1_000_000_000L / LOGINS_PER_SECOND;
            long next = System.nanoTime();
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (producing.get()) {
                String[] t = tokens.get(rnd.nextInt(tokens.size()));
                AuthOutcome outcome = rnd.nextInt(10) == 0 ? AuthOutcome.FAILURE : AuthOutcome.SUCCESS;
                Instant at = Instant.now().minusMillis(rnd.nextInt(3_000));
                LoginEvent e = TestRecords.login("ev-" + n++, t[0], t[1], at, outcome);
                p.send(new ProducerRecord<>(topics.loginEvents(), t[0], e), (md, ex) -> {
                    if (ex != null) {
                        failure.compareAndSet(null, ex);
                    } else {
                        if (outcome == AuthOutcome.SUCCESS) {
                            oracle.merge(t[1], at.toEpochMilli(), Math::max);
                        }
                        acked.incrementAndGet();
                    }
                });
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // pacing a load generator
                }
            }
            p.flush();
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }

    private static void sendGarbagePatch(String bootstrap, String topic) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(
                            topic,
                            "tok-0-0".getBytes(StandardCharsets.UTF_8),
                            "not a patch".getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
    }
}
