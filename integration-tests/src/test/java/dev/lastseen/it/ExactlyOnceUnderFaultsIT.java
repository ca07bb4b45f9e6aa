package dev.lastseen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.ServiceToken;
import dev.lastseen.contract.TopicNames;
import dev.lastseen.registry.RestSchemaRegistryClient;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.UsageFields;
import dev.lastseen.testing.TestRecords;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once under faults: two application processes ({@code java -jar lastseen.jar run})
 * under continuous load; one is SIGKILLed mid-stream and restarted, then the broker is
 * restarted. At the end, per token, the committed state equals what the input topic holds
 * (max successful occurred_at, exact success and failure counts), the read_committed
 * token-last-seen stream never moves backwards and ends at the max, and nothing was written to
 * service-tokens. Prints an "EOS-REPORT" with the figures. Budget: ~3 minutes.
 */
@ExtendWith(ApicurioRegistryExtension.class)
class ExactlyOnceUnderFaultsIT {
    @RegisterExtension
    static final KraftBrokerExtension KAFKA = KraftBrokerExtension.shared();

    @RegisterExtension
    final LastseenProcesses processes = new LastseenProcesses();

    private static final int PARTITIONS = 4;
    private static final int ACCOUNTS = 8;
    private static final int TOKENS_PER_ACCOUNT = 5;
    private static final String APP_ID = "eos-app";

    @Test
    void stateEqualsTheInputExactlyAfterAKilledInstanceAndABrokerRestart(ApicurioRegistry apicurio) throws Exception {
        Path work = ItPaths.workDir("eos");
        String bootstrap = KAFKA.bootstrapServers(); // the same after the restart below: same ports
        TopicNames topics = ItKafka.topics("eos-");
        KAFKA.createTopics(topics, PARTITIONS);
        RestSchemaRegistryClient registry = RestSchemaRegistryClient.create(apicurio.url());
        List<String[]> tokens = new ArrayList<>();
        for (int a = 0; a < ACCOUNTS; a++) {
            for (int t = 0; t < TOKENS_PER_ACCOUNT; t++) {
                tokens.add(new String[] {"acct-" + a, "tok-" + a + "-" + t});
            }
        }
        publishRegistry(bootstrap, registry, topics, tokens);
        Map<TopicPartition, Long> serviceTokensEnd = endOffsets(bootstrap, topics.serviceTokens());

        List<String> report = new ArrayList<>();
        LastseenProcess a = processes.create(
                "instance-a", work, instanceConfig(bootstrap, apicurio.url(), topics, work.resolve("state-a")));
        LastseenProcess b = processes.create(
                "instance-b", work, instanceConfig(bootstrap, apicurio.url(), topics, work.resolve("state-b")));
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        PatchWatch watch = new PatchWatch(bootstrap, topics.tokenLastSeen());
        try {
            a.start();
            b.start();
            LastseenProcess fa = a;
            LastseenProcess fb = b;
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> fa.isReady() && fb.isReady());
            watch.start();

            Thread load = new Thread(
                    () -> produceLoad(bootstrap, registry, topics, tokens, producing, acked, sendFailure), "eos-load");
            load.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> acked.get() >= 1500);

            long killedAt = System.nanoTime();
            a.kill();
            report.add("SIGKILL instance-a after " + acked.get() + " acked events");
            await().atMost(Duration.ofSeconds(60)).until(() -> acked.get() >= 2500);
            a.start();
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(250))
                    .until(fa::isReady);
            report.add(String.format(
                    "instance-a ready again %.1f s after the kill", (System.nanoTime() - killedAt) / 1e9));

            long stopAt = System.nanoTime();
            KAFKA.restart();
            long brokerBack = System.nanoTime();
            report.add(String.format("broker down for %.1f s", (brokerBack - stopAt) / 1e9));
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> fa.isReady() && fb.isReady());
            report.add(String.format(
                    "both instances ready %.1f s after the broker came back", (System.nanoTime() - brokerBack) / 1e9));
            long target = acked.get() + 1500;
            await().atMost(Duration.ofSeconds(60)).until(() -> acked.get() >= target);
            producing.set(false);
            load.join(120_000);
            assertThat(sendFailure.get()).as("every send acknowledged").isNull();
            assertThat(a.isAlive() && b.isAlive())
                    .as("both instances still running")
                    .isTrue();

            UsageOracle.Expected expected = UsageOracle.expectedFromInput(bootstrap, topics.loginEvents(), registry);
            report.add("events acked by the broker: " + acked.get() + ", in login-events: " + expected.events()
                    + ", duplicate event ids in the input: " + expected.duplicates());
            assertThat(expected.events()).isEqualTo(acked.get());
            assertThat(expected.duplicates()).isZero();

            long settleStart = System.nanoTime();
            AtomicReference<Map<TokenKey, UsageFields>> state = new AtomicReference<>();
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        state.set(UsageOracle.committedUsage(bootstrap, APP_ID));
                        assertThat(UsageOracle.diff(expected, state.get(), 20)).isEmpty();
                    });
            report.add(String.format(
                    "committed state equal to the input %.1f s after the load stopped",
                    (System.nanoTime() - settleStart) / 1e9));
            report.add("tokens checked: " + expected.successes().size() + " with successes, "
                    + expected.failures().size() + " with failures");

            PatchWatch.Result patches = watch.stopAndCheck(registry);
            report.add("token-last-seen patches (read_committed): " + patches.count() + ", backwards moves: "
                    + patches.backwards()
                    + String.format(
                            ", longest gap between committed patches: %.1f s", patches.longestGapNanos() / 1e9));
            assertThat(patches.backwards()).isZero();
            assertThat(patches.last()).isEqualTo(expected.lastSeenByToken());

            assertThat(endOffsets(bootstrap, topics.serviceTokens()))
                    .as("service-tokens end offsets")
                    .isEqualTo(serviceTokensEnd);
            assertThat(producersOn(bootstrap, topics.serviceTokens()))
                    .as("producers that wrote service-tokens")
                    .isEmpty();
            report.add("service-tokens: end offsets unchanged " + serviceTokensEnd.values() + ", no producer ids");
        } finally {
            producing.set(false);
            watch.close();
            System.out.println("EOS-REPORT\n  " + String.join("\n  ", report));
        }
    }

    private static Map<String, Object> instanceConfig(
            String bootstrap, String registryUrl, TopicNames topics, Path stateDir) {
        return ItKafka.appConfig(bootstrap, registryUrl, topics, APP_ID, stateDir);
    }

    private static void publishRegistry(
            String bootstrap, RestSchemaRegistryClient registry, TopicNames topics, List<String[]> tokens)
            throws Exception {
        // Not idempotent on purpose: such a producer leaves no producer id, so any producer id found on the topic later
        // is lastseen's.
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                false);
        try (KafkaProducer<String, ServiceToken> p = new KafkaProducer<>(
                props, new StringSerializer(), new SpecificAvroSerializer<>(registry, ServiceToken.class, true))) {
            for (String[] t : tokens) {
                p.send(new ProducerRecord<>(
                                topics.serviceTokens(), t[1], TestRecords.token(t[0], t[1], ItKafka.secret(t[1]))))
                        .get();
            }
        }
    }

    private static void produceLoad(
            String bootstrap,
            RestSchemaRegistryClient registry,
            TopicNames topics,
            List<String[]> tokens,
            AtomicBoolean producing,
            AtomicLong acked,
            AtomicReference<Exception> failure) {
        try (KafkaProducer<String, LoginEvent> p = new KafkaProducer<>(
                ItKafka.producerConfig(bootstrap),
                new StringSerializer(),
                new SpecificAvroSerializer<>(registry, LoginEvent.class, true))) {
            long n = 0;
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (producing.get()) {
                String[] t = tokens.get(rnd.nextInt(tokens.size()));
                AuthOutcome outcome = rnd.nextInt(10) == 0 ? AuthOutcome.FAILURE : AuthOutcome.SUCCESS;
                Instant at = Instant.now().minusMillis(rnd.nextInt(3_000)); // out of order by up to 3 s
                LoginEvent e = TestRecords.login("ev-" + n++, t[0], t[1], at, outcome);
                String key =
                        rnd.nextInt(5) == 0 ? null : t[0]; // some without a key: re-keyed through the repartition topic
                p.send(new ProducerRecord<>(topics.loginEvents(), key, e), (md, ex) -> {
                    if (ex != null) {
                        failure.compareAndSet(null, ex);
                    } else {
                        acked.incrementAndGet();
                    }
                });
                if (n % 10 == 0) {
                    ApicurioRegistry.pause(20); // ~500 events/s: pacing a load generator, not waiting on state
                }
            }
            p.flush();
        }
    }

    private static Map<TopicPartition, Long> endOffsets(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                ask.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> m = new HashMap<>();
            admin.listOffsets(ask).all().get().forEach((tp, info) -> m.put(tp, info.offset()));
            return m;
        }
    }

    private static List<ProducerState> producersOn(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<TopicPartition> parts = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                parts.add(new TopicPartition(topic, p));
            }
            List<ProducerState> all = new ArrayList<>();
            admin.describeProducers(parts).all().get().values().forEach(d -> all.addAll(d.activeProducers()));
            return all;
        }
    }

    /**
     * Follows token-last-seen with read_committed while the test runs: per token the patches
     * must never move backwards; records the longest pause between committed patches (the
     * visible outage).
     */
    private static final class PatchWatch implements AutoCloseable {
        record Result(long count, long backwards, long longestGapNanos, Map<String, Long> last) {}

        private final String bootstrap;
        private final String topic;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        private long longestGap;
        private Thread thread;

        PatchWatch(String bootstrap, String topic) {
            this.bootstrap = bootstrap;
            this.topic = topic;
        }

        void start() {
            thread = new Thread(this::run, "patch-watch");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            Map<String, Object> c = Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    false,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "earliest");
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                long lastArrival = System.nanoTime();
                while (running.get()) {
                    var batch = consumer.poll(Duration.ofMillis(100));
                    if (!batch.isEmpty()) {
                        long now = System.nanoTime();
                        synchronized (this) {
                            longestGap = Math.max(longestGap, now - lastArrival);
                            batch.forEach(seen::add);
                        }
                        lastArrival = now;
                    }
                }
            }
        }

        /** Reads the whole topic, stops, and checks monotonicity per token ({@link UsageOracle#patches}). */
        Result stopAndCheck(RestSchemaRegistryClient registry) throws InterruptedException {
            UsageOracle.Patches all = UsageOracle.patches(bootstrap, topic, registry);
            running.set(false);
            thread.join(10_000);
            synchronized (this) {
                return new Result(all.count(), all.backwards(), longestGap, all.last());
            }
        }

        @Override
        public void close() {
            running.set(false);
        }
    }
}
