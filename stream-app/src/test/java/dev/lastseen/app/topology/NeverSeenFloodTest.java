package dev.lastseen.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.config.UsageConfig;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.state.NeverSeenIndex;
import dev.lastseen.state.StateSerdes;
import dev.lastseen.state.StoreNames;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.UsageFields;
import dev.lastseen.testing.TestRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of failed logins with new random token ids — 1,500 a second on one task, for a
 * simulated day — never grows the usage store past {@code lastseen.usage.never-seen.max.entries}
 * entries of ids that never succeeded; tokens that did succeed are untouched; every eviction is
 * counted.
 *
 * <p>The default run is that day scaled down with the same ratios, through the real topology,
 * in seconds: cap 100 instead of 1,000,000, 150 ids a second instead of 1,500, 86.4 simulated
 * seconds instead of 86,400 — 129.6 new ids per capped entry and the cap filled after 0.77 % of
 * the span in both; the 7-day retention scaled alike (never reached in either).
 * {@code -Dlastseen.flood.full=true} runs the full day, 130M records, and prints its figures
 * ({@code -Dlastseen.flood.hours=N} for the first N simulated hours at the full rate and cap); it
 * drives the usage processor directly over RocksDB stores, since Kafka Streams' test driver
 * manages a few thousand records a second.
 */
class NeverSeenFloodTest {
    private static final boolean FULL = Boolean.getBoolean("lastseen.flood.full");
    private static final long CAP = FULL ? 1_000_000 : 100;
    private static final int IDS_PER_SECOND = FULL ? 1_500 : 150;
    /** Simulated hours of the full-rate run ({@code -Dlastseen.flood.hours}, default the whole day). */
    private static final long FULL_HOURS = Long.getLong("lastseen.flood.hours", 24);

    private static final long SPAN_MILLIS = FULL ? FULL_HOURS * 3_600_000 : 86_400;
    private static final Duration RETENTION = Duration.ofMillis(7 * SPAN_MILLIS);
    private static final Duration TICK = FULL ? Duration.ofSeconds(1) : Duration.ofMillis(100);
    private static final int REAL_TOKENS = 100;
    private static final Instant T0 = Instant.parse("2026-11-21T00:00:00Z");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LastseenMetrics metrics = new LastseenMetrics(meters);
    private final SettableClock clock = new SettableClock(T0);

    @TempDir
    Path dir;

    @Test
    void aDayOfNewRandomTokenIdsFailingNeverGrowsTheStorePastTheCap() {
        try (Feed feed = FULL ? new ProcessorFeed(dir) : new TopologyFeed()) {
            for (int t = 0; t < REAL_TOKENS; t++) { // tokens in real use before the flood
                feed.login(TestRecords.success("acct-real", "tok-" + t, T0));
            }
            SplittableRandom random = new SplittableRandom(11);
            long idsPerTick = IDS_PER_SECOND * TICK.toMillis() / 1000;
            long ticks = SPAN_MILLIS / TICK.toMillis();
            long started = System.nanoTime();
            long maxIndexed = 0;
            long ids = 0;
            for (long k = 1; k <= ticks; k++) {
                Instant tick = T0.plus(TICK.multipliedBy(k));
                clock.set(tick);
                for (int i = 0; i < idsPerTick; i++) {
                    String id = "guess-" + Long.toHexString(random.nextLong());
                    feed.login(TestRecords.login(
                            "acct-flood", id, tick.plusMillis(i * TICK.toMillis() / idsPerTick), AuthOutcome.FAILURE));
                    ids++;
                }
                // A real token fails now and then too: it succeeded once, so it is never a candidate for eviction.
                feed.login(TestRecords.login("acct-real", "tok-" + (k % REAL_TOKENS), tick, AuthOutcome.FAILURE));
                feed.tick(TICK);
                long indexed = feed.neverSeenIndexed();
                assertThat(indexed)
                        .as("never-seen entries indexed after tick %d", k)
                        .isLessThanOrEqualTo(CAP);
                maxIndexed = Math.max(maxIndexed, indexed);
                if (k % Math.max(1, ticks / 10) == 0) {
                    assertThat(feed.neverSeenInStore())
                            .as("never-seen entries in the store after tick %d", k)
                            .isEqualTo(indexed);
                    System.out.printf(
                            "flood: %d of %d ticks, %,d ids, %,d never-seen entries, %.0f s%n",
                            k, ticks, ids, indexed, (System.nanoTime() - started) / 1e9);
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;

            long remaining = feed.neverSeenInStore();
            assertThat(remaining) // eviction runs in batches: it may leave the task up to its slack below the cap
                    .isLessThanOrEqualTo(CAP)
                    .isGreaterThanOrEqualTo(CAP - Math.min(NeverSeenIndex.EVICTION_BATCH - 1, CAP / 32));
            assertThat(meters.get("lastseen.usage.never.seen.evicted").counter().count())
                    .as("every eviction counted")
                    .isEqualTo((double) (ids - remaining));
            for (int t = 0; t < REAL_TOKENS; t++) {
                UsageFields real = feed.usage(new TokenKey("acct-real", "tok-" + t));
                assertThat(real).as("tok-%d", t).isNotNull();
                assertThat(real.successCount()).isEqualTo(1);
            }
            System.out.printf(
                    "FLOOD %s (%s): %,d ms simulated, %,d new token ids at %,d/s on one task, cap %,d: never-seen entries"
                            + " at most %,d, %,d at the end, %,d evicted; %,d records in %.0f s (%,.0f records/s)%n",
                    FULL ? "full rate, " + FULL_HOURS + " h" : "scaled day",
                    feed.getClass().getSimpleName(),
                    SPAN_MILLIS,
                    ids,
                    IDS_PER_SECOND,
                    CAP,
                    maxIndexed,
                    remaining,
                    ids - remaining,
                    ids + ticks,
                    seconds,
                    (ids + ticks) / seconds);
        }
    }

    /** Where the logins go: the real topology, or the usage processor alone. */
    private interface Feed extends AutoCloseable {
        void login(LoginEvent event);

        /** Wall-clock time passes: punctuations due run (the time-based sweep; spike detection). */
        void tick(Duration by);

        KeyValueStore<TokenKey, UsageFields> usage();

        KeyValueStore<Bytes, byte[]> neverSeen();

        default UsageFields usage(TokenKey key) {
            return usage().get(key);
        }

        /** The count the index keeps (its one short key). */
        default long neverSeenIndexed() {
            byte[] count = neverSeen().get(Bytes.wrap(new byte[] {0}));
            return count == null ? 0 : ByteBuffer.wrap(count).getLong();
        }

        default long neverSeenInStore() {
            long n = 0;
            try (KeyValueIterator<TokenKey, UsageFields> it = usage().all()) {
                while (it.hasNext()) {
                    KeyValue<TokenKey, UsageFields> kv = it.next();
                    if (!kv.value.seen()) {
                        n++;
                    }
                }
            }
            return n;
        }

        @Override
        void close();
    }

    /** The whole topology under the test driver (deserialization, spike detection, usage). */
    private final class TopologyFeed implements Feed {
        private final TopologyDriver topology = TopologyDriver.builder()
                .set(UsageConfig.NEVER_SEEN_MAX_ENTRIES, CAP)
                .set(UsageConfig.NEVER_SEEN_RETENTION_MS, RETENTION.toMillis())
                .metrics(metrics)
                .startAt(T0)
                .clock(clock)
                .build();
        private final TopologyTestDriver driver = topology.driver();
        private final TestInputTopic<String, LoginEvent> logins = driver.createInputTopic(
                topology.config().topics().loginEvents(),
                new StringSerializer(),
                new SpecificAvroSerializer<>(topology.registry(), LoginEvent.class, true));
        private final Map<String, TestOutputTopic<byte[], byte[]>> produced = new HashMap<>();

        @Override
        public void login(LoginEvent event) {
            logins.pipeInput(event.getAccountId(), event);
        }

        @Override
        public void tick(Duration by) {
            driver.advanceWallClockTime(by);
            // Discard what the topology produced (changelogs, patches, alerts): the driver keeps all of it otherwise.
            for (String name : driver.producedTopicNames()) {
                TestOutputTopic<byte[], byte[]> topic = produced.computeIfAbsent(
                        name,
                        n -> driver.createOutputTopic(n, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
                while (!topic.isEmpty()) {
                    topic.readRecord();
                }
            }
        }

        @Override
        public KeyValueStore<TokenKey, UsageFields> usage() {
            return driver.getKeyValueStore(StoreNames.TOKEN_USAGE);
        }

        @Override
        public KeyValueStore<Bytes, byte[]> neverSeen() {
            return driver.getKeyValueStore(StoreNames.TOKEN_USAGE_NEVER_SEEN);
        }

        @Override
        public void close() {
            topology.close();
        }
    }

    /** The usage processor over RocksDB stores (unlogged, uncached), its punctuations run by hand. */
    private final class ProcessorFeed implements Feed {
        private final MockProcessorContext<String, TokenLastSeen> context;
        private final KeyValueStore<TokenKey, UsageFields> usage;
        private final KeyValueStore<Bytes, byte[]> neverSeen;
        private final KeyValueStore<Bytes, byte[]> trailing;
        private final UsageProcessor processor;
        private long sinceSweep;

        ProcessorFeed(Path dir) {
            try {
                Properties config = new Properties();
                config.put(StreamsConfig.APPLICATION_ID_CONFIG, "lastseen-flood");
                config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
                context = new MockProcessorContext<>(
                        config,
                        new TaskId(0, 0),
                        Files.createDirectories(dir.resolve("state")).toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            usage = Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(StoreNames.TOKEN_USAGE),
                            StateSerdes.tokenKey(),
                            StateSerdes.usage())
                    .withLoggingDisabled()
                    .build();
            neverSeen = Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(StoreNames.TOKEN_USAGE_NEVER_SEEN),
                            Serdes.Bytes(),
                            Serdes.ByteArray())
                    .withLoggingDisabled()
                    .build();
            trailing = Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(StoreNames.TOKEN_USAGE_TRAILING),
                            Serdes.Bytes(),
                            Serdes.ByteArray())
                    .withLoggingDisabled()
                    .build();
            usage.init(context.getStateStoreContext(), usage);
            neverSeen.init(context.getStateStoreContext(), neverSeen);
            trailing.init(context.getStateStoreContext(), trailing);
            context.addStateStore(usage);
            context.addStateStore(neverSeen);
            context.addStateStore(trailing);
            processor = new UsageProcessor(
                    Duration.ofMinutes(1),
                    metrics,
                    clock,
                    new LastseenConfig.RetentionSettings(RETENTION, Duration.ZERO, Duration.ZERO),
                    CAP,
                    CAP);
            processor.init(context);
        }

        @Override
        public void login(LoginEvent event) {
            processor.process(new Record<>(
                    event.getAccountId(),
                    new UsageCommand.Login(event),
                    event.getOccurredAt().toEpochMilli()));
        }

        @Override
        public void tick(Duration by) {
            context.resetForwards();
            sinceSweep += by.toMillis();
            for (var scheduled : context.scheduledPunctuators()) {
                if (sinceSweep >= scheduled.getInterval().toMillis()) {
                    scheduled.getPunctuator().punctuate(clock.millis());
                    sinceSweep = 0;
                }
            }
        }

        @Override
        public KeyValueStore<TokenKey, UsageFields> usage() {
            return usage;
        }

        @Override
        public KeyValueStore<Bytes, byte[]> neverSeen() {
            return neverSeen;
        }

        @Override
        public void close() {
            usage.close();
            neverSeen.close();
            trailing.close();
        }
    }
}
