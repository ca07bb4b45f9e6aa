package dev.lastseen.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lastseen.applier.testing.ApplierDatabase;
import dev.lastseen.applier.testing.PostgresExtension;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.postgres.PostgresServer;
import dev.lastseen.registry.InMemorySchemaRegistry;
import dev.lastseen.serde.DeadLetterHeaders;
import dev.lastseen.serde.SpecificAvroSerializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consume-apply-commit loop against a real PostgreSQL that is stopped and started again
 * (Kafka's own MockConsumer/MockProducer stand in for the broker here; the end-to-end test runs
 * a real one): offsets are committed only after the database commit, bad patches go to the
 * dead-letter topic with reason headers while good ones are applied, a database outage makes
 * the applier retry the same batch (not ready, nothing committed, nothing skipped) and resume
 * when the server is back, and a revoked partition's uncommitted records are left to their next owner.
 */
class ApplyLoopIT {
    private static final String TOPIC = "token-last-seen";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    @TempDir
    java.nio.file.Path dir;

    private PostgresServer server;
    private ApplierDatabase db;
    private PacedConsumer consumer;
    private MockProducer<byte[], byte[]> dlq;
    private SimpleMeterRegistry meters;
    private ApplierHealth health;
    private ApplyLoop loop;
    private com.zaxxer.hikari.HikariDataSource pool;
    private Thread thread;
    private SpecificAvroSerializer<TokenLastSeen> serializer;
    private final long[] nextOffset = new long[2];

    @BeforeEach
    void start() {
        server = PostgresServer.start(PostgresExtension.workDir("postgres-outage"));
        db = ApplierDatabase.create(server, Target.Layout.USAGE_TABLE);
        db.insertTokens(PatchWriterIT.hashes(10));
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        serializer = new SpecificAvroSerializer<>(registry, TokenLastSeen.class, true);
        consumer = new PacedConsumer();
        dlq = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        meters = new SimpleMeterRegistry();
        health = new ApplierHealth();
        ApplierConfig config = ApplierConfigLoader.fromMap(withFastBatches(db.configMap()));
        pool = DataSources.applier(config.database());
        loop = new ApplyLoop(
                consumer,
                new PatchReader(registry, Clock.systemUTC(), Duration.ofMinutes(5), 16_384),
                new PatchWriter(config.target()),
                pool,
                new DeadLetterPublisher(dlq, "lastseen-apply-dlq", Duration.ofSeconds(5)),
                new ApplierMetrics(meters, health),
                health,
                config.batching(),
                TOPIC,
                Clock.systemUTC());
        health.running();
        thread = new Thread(loop, "apply-loop-under-test");
        thread.start();
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0, P1));
            consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
            consumer.updateEndOffsets(Map.of(P0, 0L, P1, 0L));
        });
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.stop();
        thread.join(10_000);
        pool.close();
        server.close();
    }

    @Test
    void offsetsAreCommittedOnlyAfterTheRowsAndBadPatchesAreDeadLetteredWithTheirReason() throws SQLException {
        send(P0, patch("tok-1", T0 + 1_000));
        sendRaw(P0, "not a wire-format record".getBytes(StandardCharsets.UTF_8));
        send(P1, patch("tok-2", T0 + 2_000));
        send(P1, patch("tok 3", T0)); // an id with a space: invalid
        send(P1, patch("tok-2", T0 + 1_500)); // older than what the batch already has for tok-2

        await().atMost(Duration.ofSeconds(20)).until(() -> committed(P0) == 2 && committed(P1) == 3);
        assertThat(db.lastSeenByToken()).containsOnly(Map.entry("tok-1", T0 + 1_000), Map.entry("tok-2", T0 + 2_000));
        List<ProducerRecord<byte[], byte[]>> dead = dlq.history();
        assertThat(dead).hasSize(2);
        assertThat(dead)
                .extracting(r -> header(r, DeadLetterHeaders.REASON))
                .containsExactlyInAnyOrder("bad_magic_byte", "invalid_id");
        ProducerRecord<byte[], byte[]> garbage = dead.stream()
                .filter(r -> header(r, DeadLetterHeaders.REASON).equals("bad_magic_byte"))
                .findFirst()
                .orElseThrow();
        assertThat(garbage.value()).isEqualTo("not a wire-format record".getBytes(StandardCharsets.UTF_8));
        assertThat(header(garbage, DeadLetterHeaders.TOPIC)).isEqualTo(TOPIC);
        assertThat(header(garbage, DeadLetterHeaders.PARTITION)).isEqualTo("0");
        assertThat(header(garbage, DeadLetterHeaders.OFFSET)).isEqualTo("1");
        assertThat(meters.get("lastseen.apply.rows")
                        .tag("outcome", "applied")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(meters.get("lastseen.apply.dlq.records")
                        .tag("reason", "invalid_id")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aDatabaseOutageMakesTheApplierRetryTheSameBatchAndResumeWithoutLossOrSkip() throws SQLException {
        send(P0, patch("tok-1", T0));
        await().atMost(Duration.ofSeconds(20)).until(() -> committed(P0) == 1);

        server.stop();
        send(P0, patch("tok-1", T0 + 60_000));
        send(P1, patch("tok-2", T0 + 60_000));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> meters.get("lastseen.apply.failures")
                                .tag("kind", "database")
                                .counter()
                                .count()
                        >= 2);
        assertThat(health.isReady()).isFalse();
        assertThat(health.isLive()).isTrue();
        assertThat(committed(P0))
                .as("nothing committed while the database is down")
                .isEqualTo(1);
        assertThat(committed(P1)).isZero();
        assertThat(consumer.paused()).containsExactlyInAnyOrder(P0, P1);

        server.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> committed(P0) == 2 && committed(P1) == 1);
        assertThat(db.lastSeenByToken()).containsOnly(Map.entry("tok-1", T0 + 60_000), Map.entry("tok-2", T0 + 60_000));
        await().atMost(Duration.ofSeconds(5)).until(health::isReady);
        assertThat(consumer.paused()).isEmpty();
        assertThat(dlq.history()).as("a database fault is never dead-lettered").isEmpty();
    }

    @Test
    void aRevokedPartitionsUncommittedRecordsAreLeftToTheirNextOwner() throws SQLException {
        server.stop();
        send(P0, patch("tok-1", T0));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> meters.get("lastseen.apply.failures")
                                .tag("kind", "database")
                                .counter()
                                .count()
                        >= 1);
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(P1)));
        await().atMost(Duration.ofSeconds(20)).until(() -> consumer.assignment().equals(Set.of(P1)));
        server.start();
        send(P1, patch("tok-2", T0));
        await().atMost(Duration.ofSeconds(30)).until(() -> committed(P1) == 1);
        assertThat(db.lastSeenByToken()).containsOnlyKeys("tok-2");
        assertThat(committed(P0)).isZero();
    }

    private static Map<String, Object> withFastBatches(Map<String, Object> config) {
        config.put(BatchConfig.BATCH_MAX_RECORDS, 100);
        config.put(BatchConfig.BATCH_LINGER_MS, 20);
        config.put(BatchConfig.RETRY_BACKOFF_MS, 100);
        config.put(BatchConfig.RETRY_BACKOFF_MAX_MS, 500);
        config.put(DatabaseConfig.POOL_CONNECTION_TIMEOUT_MS, 500);
        return config;
    }

    private TokenLastSeen patch(String token, long at) {
        return TokenLastSeen.newBuilder()
                .setTokenId(token)
                .setAccountId("acct-1")
                .setLastSeenAt(Instant.ofEpochMilli(at))
                .setLastSeenColo("fra1")
                .setLastSeenIp("192.0.2.1")
                .build();
    }

    private void send(TopicPartition tp, TokenLastSeen p) {
        sendRaw(tp, serializer.serialize(TOPIC, p));
    }

    private synchronized void sendRaw(TopicPartition tp, byte[] value) {
        long offset = nextOffset[tp.partition()]++;
        consumer.schedulePollTask(() -> {
            consumer.addRecord(
                    new ConsumerRecord<>(TOPIC, tp.partition(), offset, "k".getBytes(StandardCharsets.UTF_8), value));
            consumer.updateEndOffsets(Map.of(tp, offset + 1));
        });
    }

    private long committed(TopicPartition tp) {
        OffsetAndMetadata o = consumer.committed(Set.of(tp)).get(tp);
        return o == null ? 0 : o.offset();
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** Kafka's MockConsumer returns at once when it has nothing; a real poll waits. */
    private static final class PacedConsumer extends MockConsumer<byte[], byte[]> {
        PacedConsumer() {
            super("earliest");
        }

        @Override
        @SuppressWarnings(
                "UnsynchronizedOverridesSynchronized") // super.poll is synchronized; the pause must not hold the
        // monitor
        public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
            if (records.isEmpty()) {
                try {
                    Thread.sleep(Math.min(timeout.toMillis(), 20));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return records;
        }
    }
}
