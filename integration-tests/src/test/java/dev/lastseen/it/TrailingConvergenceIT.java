package dev.lastseen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lastseen.app.config.InputConfig;
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
import dev.lastseen.registry.RestSchemaRegistryClient;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.testing.TestRecords;
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
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database converges to the exact last login, with a patch granularity (2 s here, 60 s by
 * default) in force: a real broker, the Apicurio registry, PostgreSQL, and {@code lastseen run}
 * and {@code lastseen apply} as separate processes. Logins for many tokens, then silence: every
 * usage row equals the oracle (each token's latest acknowledged success) within granularity +
 * trailing interval + a margin. Then the applier is SIGKILLed, more logins arrive, and a new
 * applier process starts at once: it is the same static group member, so the rows are complete
 * again in seconds, well below the session timeout (60 s here) a new dynamic member would wait
 * out. Prints a "TRAILING-CONVERGENCE-REPORT". Budget: about 60 s.
 */
@ExtendWith(ApicurioRegistryExtension.class)
class TrailingConvergenceIT {
    @RegisterExtension
    static final KraftBrokerExtension KAFKA = KraftBrokerExtension.shared();

    @RegisterExtension
    static final PostgresPerClassExtension POSTGRES = new PostgresPerClassExtension();

    @RegisterExtension
    final LastseenProcesses processes = new LastseenProcesses();

    private static final int PARTITIONS = 3;
    private static final int ACCOUNTS = 6;
    private static final int TOKENS_PER_ACCOUNT = 50;
    private static final int LOGINS_PER_SECOND = 400;
    private static final Duration GRANULARITY = Duration.ofSeconds(2);
    /** The trailing punctuation runs every granularity (clamped to 1..10 s). */
    private static final Duration TRAILING_INTERVAL = GRANULARITY;
    /** Commit intervals, the applier's batch linger, and a loaded two-core machine. */
    private static final Duration MARGIN = Duration.ofSeconds(15);

    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(60);
    /** Rows complete again after the restart well within this: JVM start, join (no rebalance wait), apply. */
    private static final Duration RESUME_BOUND = Duration.ofSeconds(20);

    private static final Duration READY = Duration.ofMinutes(2);

    @Test
    void everyRowEqualsTheExactLastLoginSoonAfterSilenceAndAgainSecondsAfterAnApplierKill(ApicurioRegistry apicurio)
            throws Exception {
        Path work = ItPaths.workDir("trailing-convergence");
        List<String> report = new ArrayList<>();
        try {
            String bootstrap = KAFKA.bootstrapServers();
            TopicNames topics = ItKafka.topics("trail-");
            KAFKA.createTopics(topics, PARTITIONS);
            String applyDlq = "trail-lastseen-apply-dlq";
            KAFKA.broker().createTopic(applyDlq, 1, Map.of());
            RestSchemaRegistryClient registry = RestSchemaRegistryClient.create(apicurio.url());

            ApplierDatabase db = ApplierDatabase.create(POSTGRES.server(), Target.Layout.USAGE_TABLE);
            List<String[]> tokens = tokens();
            Map<String, String> hashes = new LinkedHashMap<>();
            tokens.forEach(t -> hashes.put(t[1], "$2b$12$" + t[1] + "-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH"));
            db.insertTokens(hashes);
            publishRegistry(bootstrap, registry, topics, tokens);

            Map<String, Object> appConfig =
                    ItKafka.appConfig(bootstrap, apicurio.url(), topics, "trailing-app", work.resolve("state"));
            appConfig.put(InputConfig.PATCH_GRANULARITY_MS, String.valueOf(GRANULARITY.toMillis()));
            LastseenProcess app = processes.create("run", work, appConfig);
            LastseenProcess applier = processes.createApplier(
                    "apply", work, applyConfig(db, bootstrap, apicurio.url(), topics, applyDlq));
            app.start();
            applier.start();
            await("both processes ready")
                    .atMost(READY)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> app.isReady() && applier.isReady());

            // 1. Logins for many tokens, then silence: the rows reach the exact last login.
            Map<String, Long> oracle = new ConcurrentHashMap<>();
            long acked = logins(bootstrap, registry, topics, tokens, Duration.ofSeconds(8), oracle);
            long silentAt = System.nanoTime();
            Duration bound = GRANULARITY.plus(TRAILING_INTERVAL).plus(MARGIN);
            report.add("phase 1: " + acked + " logins acked for " + oracle.size() + " tokens; granularity "
                    + GRANULARITY.toSeconds() + " s");
            await("every row equals the exact last login")
                    .atMost(bound)
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(db.lastSeenByToken()).isEqualTo(oracle));
            report.add(String.format(
                    "rows exact %.1f s after the last acknowledged login (bound %d s = granularity + interval + margin)",
                    (System.nanoTime() - silentAt) / 1e9, bound.toSeconds()));

            // 2. The applier is SIGKILLed; logins go on; a new applier process starts at once.
            applier.kill();
            acked = logins(bootstrap, registry, topics, tokens, Duration.ofSeconds(4), oracle);
            assertThat(db.lastSeenByToken())
                    .as("the killed applier wrote nothing")
                    .isNotEqualTo(oracle);
            long restartedAt = System.nanoTime();
            applier.start();
            await("rows complete again after the restart")
                    .atMost(RESUME_BOUND)
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(db.lastSeenByToken()).isEqualTo(oracle));
            report.add(String.format(
                    "phase 2: %d logins while the applier was dead; rows exact %.1f s after the new applier process"
                            + " was started (session timeout %d s, bound %d s)",
                    acked,
                    (System.nanoTime() - restartedAt) / 1e9,
                    SESSION_TIMEOUT.toSeconds(),
                    RESUME_BOUND.toSeconds()));
            assertThat(applier.logText()).contains("as group member lastseen-apply-");
            assertThat(app.isAlive() && applier.isAlive()).isTrue();
        } finally {
            System.out.println("TRAILING-CONVERGENCE-REPORT\n  " + String.join("\n  ", report));
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
        c.put("group.id", "trailing-apply");
        // Long on purpose: a restarted applier that had to wait out its old session would miss the bound.
        c.put("session.timeout.ms", String.valueOf(SESSION_TIMEOUT.toMillis()));
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
                        topics.serviceTokens(), t[1], TestRecords.token(t[0], t[1], "registry-hash-of-" + t[1])));
            }
            p.flush();
        }
    }

    /**
     * Logins at a steady rate for {@code duration}, out of order by up to 1 s, 10 % failures; the
     * oracle keeps each token's latest acknowledged success. Returns when every send is acknowledged.
     */
    private static long logins(
            String bootstrap,
            RestSchemaRegistryClient registry,
            TopicNames topics,
            List<String[]> tokens,
            Duration duration,
            Map<String, Long> oracle) {
        long acked = 0;
        try (KafkaProducer<String, LoginEvent> p = new KafkaProducer<>(
                ItKafka.producerConfig(bootstrap),
                new StringSerializer(),
                new SpecificAvroSerializer<>(registry, LoginEvent.class, true))) {
            List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
            long interval = 1_000_000_000L / LOGINS_PER_SECOND;
            long next = System.nanoTime();
            long end = next + duration.toNanos();
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            long n = 0;
            while (System.nanoTime() < end) {
                String[] t = tokens.get(rnd.nextInt(tokens.size()));
                AuthOutcome outcome = rnd.nextInt(10) == 0 ? AuthOutcome.FAILURE : AuthOutcome.SUCCESS;
                Instant at = Instant.now().minusMillis(rnd.nextInt(1_000));
                LoginEvent e = TestRecords.login("tr-" + System.nanoTime() + "-" + n++, t[0], t[1], at, outcome);
                sends.add(p.send(new ProducerRecord<>(topics.loginEvents(), t[0], e), (md, ex) -> {
                    if (ex == null && outcome == AuthOutcome.SUCCESS) {
                        oracle.merge(t[1], at.toEpochMilli(), Math::max);
                    }
                }));
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // pacing a load generator
                }
            }
            p.flush();
            for (var s : sends) {
                s.get(); // every login acknowledged (a failed send fails the test here)
                acked++;
            }
        } catch (Exception e) {
            throw new AssertionError("a login was not acknowledged: " + e, e);
        }
        return acked;
    }
}
