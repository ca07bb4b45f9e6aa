package dev.lastseen.it.restart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lastseen.app.config.RestartConfig;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.it.ApicurioRegistry;
import dev.lastseen.it.ApicurioRegistryExtension;
import dev.lastseen.it.CommittedOffsetWatch;
import dev.lastseen.it.ItKafka;
import dev.lastseen.it.ItPaths;
import dev.lastseen.it.KraftBrokerExtension;
import dev.lastseen.it.LastseenProcess;
import dev.lastseen.it.LastseenProcesses;
import dev.lastseen.it.MetricsScrape;
import dev.lastseen.it.UsageOracle;
import dev.lastseen.registry.RestSchemaRegistryClient;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.testing.TestRecords;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A crash and an immediate restart with the same identity, as a StatefulSet does it: two
 * {@code lastseen run} processes on a real broker share the state of {@value #DEFAULT_TOKENS} tokens
 * (1M with {@code -Dlastseen.it.restart.tokens=1000000}, see {@code bench/restart.sh}); under steady
 * load one is SIGKILLed and started again at once on its state directory. Measured from outside: when
 * every partition's committed offset moves again (the group's progress, polled with an admin client),
 * when the restarted instance itself processes again (its {@code lastseen_events_total}), and how many
 * changelog records it restored (its {@code lastseen_state_restored_records_total} and its restore log
 * lines). Then the committed state must equal what the login topic holds, token by token (no event
 * lost or counted twice), and no committed patch may move a token backwards. Prints a
 * {@code RESTART-REPORT}. Budget with the default size: about 90 s.
 */
@ExtendWith(ApicurioRegistryExtension.class)
class CrashRestartIT {
    @RegisterExtension
    static final KraftBrokerExtension KAFKA = new KraftBrokerExtension();

    @RegisterExtension
    final LastseenProcesses processes = new LastseenProcesses();

    static final int DEFAULT_TOKENS = 50_000;
    private static final int TOKENS = Integer.getInteger("lastseen.it.restart.tokens", DEFAULT_TOKENS);
    private static final int PARTITIONS = 6;
    private static final int ACCOUNTS = 1_000;
    private static final int RATE = 400; // logins a second during the crash
    private static final String APP_ID = "restart-app";
    /** The target for "processing again" after a crash, from the kill. */
    static final Duration TARGET = Duration.ofSeconds(10);

    /** Session timeout of the run without a configured id: a dynamic member's restart would wait this long. */
    static final Duration LONG_SESSION = Duration.ofSeconds(90);

    @Test
    void aKilledInstanceRestartedWithItsIdentityProcessesAgainInSecondsWithNothingLostOrCountedTwice(
            ApicurioRegistry apicurio) throws Exception {
        crashAndRestart(apicurio, true, TOKENS, "restart");
    }

    /**
     * As a newcomer runs {@code lastseen run} on a VM: no {@code lastseen.instance.id}. The identity kept in
     * the state directory makes the restart a static rejoin: with a session of {@link #LONG_SESSION}, every
     * partition processes again long before the old member's session could have expired.
     */
    @Test
    void aKilledInstanceWithoutAConfiguredIdRejoinsAsTheMemberItsStateDirectoryNamesWithoutWaitingOutItsSession(
            ApicurioRegistry apicurio) throws Exception {
        Duration back = crashAndRestart(apicurio, false, Math.min(TOKENS, 10_000), "restart-noid");
        assertThat(back).as("every partition processing again, from the kill").isLessThan(LONG_SESSION);
    }

    /** Returns how long after the kill every partition processed again. */
    private Duration crashAndRestart(ApicurioRegistry apicurio, boolean configuredId, int tokenCount, String name)
            throws Exception {
        Path work = ItPaths.workDir(name);
        String bootstrap = KAFKA.bootstrapServers();
        TopicNames topics = ItKafka.topics(configuredId ? "rs-" : "rsn-");
        String appId = configuredId ? APP_ID : APP_ID + "-noid";
        KAFKA.createTopics(topics, PARTITIONS);
        RestSchemaRegistryClient registry = RestSchemaRegistryClient.create(apicurio.url());
        List<String> report = new ArrayList<>();
        Traffic traffic = new Traffic(bootstrap, registry, topics, tokenCount, ACCOUNTS);
        long preloadStart = System.nanoTime();
        traffic.registry(100); // registers the ServiceToken schema the start-up checks read
        traffic.preload();
        report.add(String.format(
                "preloaded %,d logins (one per token, %d accounts, %d partitions) in %.1f s",
                tokenCount, ACCOUNTS, PARTITIONS, (System.nanoTime() - preloadStart) / 1e9));

        LastseenProcess a = processes.create(
                "a", work, instance("a", configuredId, appId, bootstrap, apicurio.url(), topics, work));
        LastseenProcess b = processes.create(
                "b", work, instance("b", configuredId, appId, bootstrap, apicurio.url(), topics, work));
        try (CommittedOffsetWatch progress = new CommittedOffsetWatch(bootstrap, appId, topics.loginEvents())) {
            long started = System.nanoTime();
            a.start();
            b.start();
            await("both instances ready and the preload processed")
                    .atMost(Duration.ofMinutes(tokenCount >= 500_000 ? 10 : 3))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> a.isReady() && b.isReady() && progress.caughtUp());
            report.add(String.format(
                    "both instances ready with the preload processed %.1f s after start",
                    (System.nanoTime() - started) / 1e9));

            traffic.startLoad(RATE);
            await().atMost(Duration.ofSeconds(30)).until(() -> traffic.acked() >= 5L * RATE);
            long killedAt = System.nanoTime();
            b.kill();
            long restartedAt = System.nanoTime();
            int logMark = b.logText().length();
            b.start();
            // Where every partition stood once b was gone (a commit b had sent may still land just after the kill).
            Map<TopicPartition, Long> atKill = progress.latestAfter(killedAt, Duration.ofMillis(500));
            await("every partition processed again")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> progress.firstMovesAfter(atKill).size() == atKill.size());
            long allMovedAt = progress.firstMovesAfter(atKill).values().stream()
                    .mapToLong(Long::longValue)
                    .max()
                    .orElseThrow();
            await("the restarted instance processes events")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> MetricsScrape.sum(b.managementUrl(), "lastseen_events_total") > 0);
            long bProcessingAt = System.nanoTime();
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(200))
                    .until(b::isReady);
            long bReadyAt = System.nanoTime();
            Map<TopicPartition, Long> gaps = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
            progress.firstMovesAfter(atKill).forEach((tp, at) -> gaps.put(tp, (at - killedAt) / 1_000_000));
            double restored = MetricsScrape.sum(b.managementUrl(), "lastseen_state_restored_records_total");
            String restartLog = b.logText().substring(logMark);
            long fromTheBeginning = restartLog
                    .lines()
                    .filter(l -> l.contains("Restoring store") && l.contains("from the beginning"))
                    .count();
            long restoreLines = restartLog
                    .lines()
                    .filter(l -> l.contains("Restoring store"))
                    .count();
            report.add(String.format(
                    "SIGKILL b, restarted %.0f ms later; every partition's committed offset moved again %.1f s after"
                            + " the kill (per partition, ms after the kill: %s)",
                    (restartedAt - killedAt) / 1e6, (allMovedAt - killedAt) / 1e9, gaps));
            report.add(String.format(
                    "b processed events again %.1f s after the kill, ready (/readyz 200) after %.1f s",
                    (bProcessingAt - killedAt) / 1e9, (bReadyAt - killedAt) / 1e9));
            report.add(String.format(
                    "b restored %,.0f changelog records (%d store partitions restored, %d of them from the beginning);"
                            + " the state holds %,d tokens in all",
                    restored, restoreLines, fromTheBeginning, tokenCount));

            long target = traffic.acked() + 5L * RATE;
            await().atMost(Duration.ofMinutes(1)).until(() -> traffic.acked() >= target);
            traffic.stopLoad();
            assertThat(traffic.failure()).as("every send acknowledged").isNull();
            await("all input processed")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500))
                    .until(progress::caughtUp);
            assertThat(a.isAlive() && b.isAlive()).as("both instances running").isTrue();

            UsageOracle.Expected expected = UsageOracle.expectedFromInput(bootstrap, topics.loginEvents(), registry);
            assertThat(expected.duplicates()).isZero();
            assertThat(expected.events()).isEqualTo(tokenCount + traffic.acked());
            List<String> differences = UsageOracle.diff(expected, UsageOracle.committedUsage(bootstrap, appId), 20);
            UsageOracle.Patches patches = UsageOracle.patches(bootstrap, topics.tokenLastSeen(), registry);
            report.add(String.format(
                    "oracle: %,d events in the input for %,d tokens; tokens whose committed state differs: %s;"
                            + " %,d committed patches, %d moved a token backwards",
                    expected.events(),
                    expected.tokens(),
                    differences.isEmpty() ? "none" : differences.size(),
                    patches.count(),
                    patches.backwards()));
            assertThat(differences).as("committed state vs the input").isEmpty();
            assertThat(patches.backwards()).isZero();
            assertThat(patches.last()).isEqualTo(expected.lastSeenByToken());
            // The target is a figure to report (bench/restart.sh, under the shared lock), not a pass mark for a
            // timed test on a shared machine; the test asserts that the instance came back at all.
            report.add(String.format(
                    "target (every partition processing again within %d s of the kill): %s",
                    TARGET.toSeconds(),
                    Duration.ofNanos(allMovedAt - killedAt).compareTo(TARGET) <= 0 ? "met" : "NOT met"));
            // Issue 18's target: with transactional stores (Kafka Streams 4.4, exactly-once) a crash should cost the
            // tail since the last commit. A figure, not yet a pass mark: on 4.4.0 the large token-usage store
            // resumes from its committed offset, but Kafka Streams still wipes the tasks of small stores found with
            // data and no committed offsets ("did not find checkpoint offsets while stores are not empty").
            report.add(String.format(
                    "target (no full restore: fewer restored records than a fifth of the tokens): %s",
                    restored < tokenCount / 5.0 ? "met" : "NOT met"));
            return Duration.ofNanos(allMovedAt - killedAt);
        } finally {
            traffic.close();
            System.out.println("RESTART-REPORT (" + System.getProperty("lastseen.it.restart.label", "default")
                    + (configuredId ? "" : ", no configured id") + ")\n  "
                    + String.join("\n  ", report));
        }
    }

    /**
     * One instance: a static member named after it, or (configuredId false) named by its state directory,
     * with a session long enough that waiting it out would show.
     */
    private static Map<String, Object> instance(
            String name,
            boolean configuredId,
            String appId,
            String bootstrap,
            String registryUrl,
            TopicNames topics,
            Path work) {
        Map<String, Object> c = ItKafka.appConfig(bootstrap, registryUrl, topics, appId, work.resolve("state-" + name));
        if (configuredId) {
            c.put(RestartConfig.INSTANCE_ID, "restart-" + name);
        } else {
            c.put("session.timeout.ms", String.valueOf(LONG_SESSION.toMillis()));
        }
        Experiment.apply(c);
        return c;
    }

    /** The traffic of this test: registry records, the preload (one login per token), then a steady load. */
    private static final class Traffic implements AutoCloseable {
        private final String bootstrap;
        private final RestSchemaRegistryClient registry;
        private final TopicNames topics;
        private final int tokens;
        private final int accounts;
        private final AtomicLong acked = new AtomicLong();
        private final java.util.concurrent.atomic.AtomicReference<Exception> failure =
                new java.util.concurrent.atomic.AtomicReference<>();
        private volatile boolean producing;
        private Thread load;

        Traffic(String bootstrap, RestSchemaRegistryClient registry, TopicNames topics, int tokens, int accounts) {
            this.bootstrap = bootstrap;
            this.registry = registry;
            this.topics = topics;
            this.tokens = tokens;
            this.accounts = accounts;
        }

        String account(int token) {
            return String.format("acct-%05d", token % accounts);
        }

        static String token(int token) {
            return String.format("tok-%07d", token);
        }

        private Map<String, Object> producerConfig() {
            return Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap,
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.LINGER_MS_CONFIG,
                    10,
                    ProducerConfig.BATCH_SIZE_CONFIG,
                    256 * 1024,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                    120_000);
        }

        void registry(int count) throws Exception {
            try (KafkaProducer<String, ServiceToken> p = new KafkaProducer<>(
                    producerConfig(),
                    new StringSerializer(),
                    new SpecificAvroSerializer<>(registry, ServiceToken.class, true))) {
                for (int i = 0; i < Math.min(count, tokens); i++) {
                    p.send(new ProducerRecord<>(
                            topics.serviceTokens(),
                            token(i),
                            TestRecords.token(account(i), token(i), ItKafka.secret(token(i)))));
                }
                p.flush();
            }
        }

        /** One successful login per token, dated in the last minute. */
        void preload() {
            Instant base = Instant.now().minusSeconds(60);
            try (KafkaProducer<String, LoginEvent> p = new KafkaProducer<>(
                    producerConfig(),
                    new StringSerializer(),
                    new SpecificAvroSerializer<>(registry, LoginEvent.class, true))) {
                for (int i = 0; i < tokens; i++) {
                    LoginEvent e = TestRecords.login(
                            "pre-" + i, account(i), token(i), base.plusMillis(i % 60_000), AuthOutcome.SUCCESS);
                    p.send(new ProducerRecord<>(topics.loginEvents(), account(i), e), (md, ex) -> {
                        if (ex != null) {
                            failure.compareAndSet(null, ex);
                        }
                    });
                }
                p.flush();
            }
            if (failure.get() != null) {
                throw new IllegalStateException("preload failed", failure.get());
            }
        }

        void startLoad(int perSecond) {
            producing = true;
            load = new Thread(() -> produce(perSecond), "restart-load");
            load.start();
        }

        private void produce(int perSecond) {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
            try (KafkaProducer<String, LoginEvent> p = new KafkaProducer<>(
                    producerConfig(),
                    new StringSerializer(),
                    new SpecificAvroSerializer<>(registry, LoginEvent.class, true))) {
                long start = System.nanoTime();
                long n = 0;
                while (producing) {
                    long due = start + n * 1_000_000_000L / perSecond;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait); // pacing a load generator
                        continue;
                    }
                    int t = rnd.nextInt(tokens);
                    AuthOutcome outcome = rnd.nextInt(10) == 0 ? AuthOutcome.FAILURE : AuthOutcome.SUCCESS;
                    LoginEvent e = TestRecords.login(
                            "load-" + n, account(t), token(t), Instant.now().minusMillis(rnd.nextInt(2_000)), outcome);
                    p.send(new ProducerRecord<>(topics.loginEvents(), account(t), e), (md, ex) -> {
                        if (ex != null) {
                            failure.compareAndSet(null, ex);
                        } else {
                            acked.incrementAndGet();
                        }
                    });
                    n++;
                }
                p.flush();
            }
        }

        long acked() {
            return acked.get();
        }

        Exception failure() {
            return failure.get();
        }

        void stopLoad() throws InterruptedException {
            producing = false;
            if (load != null) {
                load.join(60_000);
            }
        }

        @Override
        public void close() {
            try {
                stopLoad();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
