package dev.lastseen.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.app.config.InputConfig;
import dev.lastseen.app.config.UsageConfig;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.serde.SpecificAvroDeserializer;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.state.StateSerdes;
import dev.lastseen.state.StoreNames;
import dev.lastseen.testing.TestRecords;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The trailing patch: a last-seen the granularity held back reaches {@code token-last-seen} once the
 * token has been quiet for the granularity, so every database fed from the topic converges to the
 * exact last login; a busy token still gets at most one patch per granularity.
 */
class TrailingPatchTest {
    private static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
    private static final Duration GRANULARITY = Duration.ofSeconds(60);
    private static final Duration STEP = Duration.ofSeconds(1);
    private static final int CAP = 100;

    private final SettableClock clock = new SettableClock(T0);
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private Driven d = new Driven();

    @AfterEach
    void close() {
        d.close();
    }

    @Test
    void aBurstWithinTheGranularityThenQuietPublishesExactlyOneTrailingPatchWithTheBurstsMaximum() {
        d.login("tok-1", T0);
        at(T0.plusSeconds(5));
        d.login("tok-1", T0.plusSeconds(5));
        at(T0.plusSeconds(40));
        d.login("tok-1", T0.plusSeconds(40));
        d.login("tok-1", T0.plusSeconds(30)); // late and older: the maximum stays
        assertThat(d.lastSeenOfPatches())
                .as("only the first login is published within the granularity")
                .containsExactly(T0);

        at(T0.plusSeconds(40).plus(GRANULARITY).minus(STEP));
        assertThat(d.lastSeenOfPatches())
                .as("nothing while the token has not been quiet for the granularity")
                .isEmpty();

        at(T0.plusSeconds(40).plus(GRANULARITY).plus(UsageProcessor.trailingInterval(GRANULARITY)));
        assertThat(d.lastSeenOfPatches())
                .as("one trailing patch with the burst's maximum")
                .containsExactly(T0.plusSeconds(40));
        at(T0.plus(Duration.ofMinutes(30)));
        assertThat(d.lastSeenOfPatches()).as("and never another one").isEmpty();
        assertThat(counter("lastseen.patches.trailing")).isEqualTo(1);
        assertThat(d.indexEntries()).as("the index is empty again").isZero();
    }

    @Test
    void noTrailingPatchForATokenWhoseValueWasAlreadyPublished() {
        d.login("tok-once", T0);
        d.login("tok-overtaken", T0);
        at(T0.plusSeconds(30));
        d.login("tok-overtaken", T0.plusSeconds(30)); // held back ...
        at(T0.plusSeconds(61));
        d.login("tok-overtaken", T0.plusSeconds(61)); // ... and published by the next regular patch

        at(T0.plus(Duration.ofMinutes(30)));

        assertThat(d.patches())
                .extracting(p -> p.getTokenId() + "@" + p.getLastSeenAt())
                .containsExactly("tok-once@" + T0, "tok-overtaken@" + T0, "tok-overtaken@" + T0.plusSeconds(61));
        assertThat(counter("lastseen.patches.trailing")).isZero();
    }

    @Test
    void aBusyTokenGetsAtMostOnePatchPerGranularityAndItsLastValueOnceQuiet() {
        Instant last = T0;
        for (Instant t = T0; t.isBefore(T0.plus(Duration.ofMinutes(5))); t = t.plusSeconds(5)) {
            at(t);
            d.login("tok-busy", t);
            last = t;
        }
        List<Instant> whileBusy = d.lastSeenOfPatches();
        for (int i = 1; i < whileBusy.size(); i++) {
            assertThat(Duration.between(whileBusy.get(i - 1), whileBusy.get(i)))
                    .as("patches while busy are a granularity apart")
                    .isGreaterThanOrEqualTo(GRANULARITY);
        }
        assertThat(whileBusy).hasSizeLessThanOrEqualTo(6);

        at(last.plus(GRANULARITY).plus(UsageProcessor.trailingInterval(GRANULARITY)));

        assertThat(d.lastSeenOfPatches()).as("the exact last login, once").containsExactly(last);
    }

    @Test
    void theIndexStaysBoundedUnderAFloodOfTokensAndCountsWhatItDrops() {
        int tokens = 5 * CAP;
        for (int i = 0; i < tokens; i++) {
            d.login("flood-" + i, T0);
        }
        at(T0.plusSeconds(1));
        for (int i = 0; i < tokens; i++) {
            d.login("flood-" + i, T0.plusSeconds(1)); // held back, every one
        }

        assertThat(d.indexEntries()).as("entries in the index").isEqualTo(CAP);
        assertThat(counter("lastseen.patches.trailing.dropped")).isEqualTo(tokens - CAP);

        d.patches(); // the regular patches
        at(T0.plusSeconds(1).plus(GRANULARITY).plus(UsageProcessor.trailingInterval(GRANULARITY)));
        assertThat(d.patches()).as("a trailing patch for each indexed token").hasSize(CAP);
        assertThat(d.indexEntries()).isZero();
    }

    @Test
    void aHeldBackValueSurvivesACrashBecauseItsChangelogsHoldIt() {
        d.login("tok-1", T0);
        at(T0.plusSeconds(10));
        d.login("tok-1", T0.plusSeconds(10));
        assertThat(d.lastSeenOfPatches()).containsExactly(T0);
        List<Changelog<?, ?>> changelogs = List.of(
                d.changelog(StoreNames.TOKEN_USAGE, StateSerdes.tokenKey(), StateSerdes.usage()),
                d.changelog(StoreNames.TOKEN_USAGE_TRAILING, Serdes.Bytes(), Serdes.ByteArray()),
                d.changelog(StoreNames.LAST_SEEN_GUARD, Serdes.String(), Serdes.Long()));

        d.close(); // the task is gone with the value held back (the test driver wipes its local state) ...
        d = new Driven(); // ... and a new one has only what the changelogs held
        changelogs.forEach(c -> c.restoreInto(d.driver.driver()));

        at(T0.plusSeconds(10).plus(GRANULARITY).plus(UsageProcessor.trailingInterval(GRANULARITY)));
        assertThat(d.lastSeenOfPatches())
                .as("the held-back value after the restart")
                .containsExactly(T0.plusSeconds(10));
    }

    /** What one store's changelog held: every record in order (a null value deletes). */
    private record Changelog<K, V>(String store, List<KeyValue<K, V>> records) {
        void restoreInto(org.apache.kafka.streams.TopologyTestDriver driver) {
            KeyValueStore<K, V> target = driver.getKeyValueStore(store);
            records.forEach(r -> target.put(r.key, r.value));
        }
    }

    /** Moves the topology's clock and the driver's wall-clock (punctuations) together, a second at a time. */
    private void at(Instant t) {
        while (clock.instant().isBefore(t)) {
            Duration step = Duration.between(clock.instant(), t);
            step = step.compareTo(STEP) > 0 ? STEP : step;
            clock.advance(step);
            d.driver.driver().advanceWallClockTime(step);
        }
    }

    private double counter(String name) {
        return meters.get(name).counter().count();
    }

    /** One driver of the real topology on the test's state directory and clock. */
    private final class Driven implements AutoCloseable {
        final TopologyDriver driver = TopologyDriver.builder()
                .set(InputConfig.PATCH_GRANULARITY_MS, GRANULARITY.toMillis())
                .set(UsageConfig.TRAILING_MAX_ENTRIES, CAP)
                .metrics(new LastseenMetrics(meters))
                .clock(clock)
                .startAt(clock.instant())
                .build();
        final TestInputTopic<String, LoginEvent> logins = driver.driver()
                .createInputTopic(
                        driver.config().topics().loginEvents(),
                        new StringSerializer(),
                        new SpecificAvroSerializer<>(driver.registry(), LoginEvent.class, true));
        final TestOutputTopic<String, TokenLastSeen> out = driver.driver()
                .createOutputTopic(
                        driver.config().topics().tokenLastSeen(),
                        new StringDeserializer(),
                        new SpecificAvroDeserializer<>(driver.registry(), TokenLastSeen.class));

        void login(String token, Instant at) {
            logins.pipeInput("acct-1", TestRecords.success("acct-1", token, at), clock.instant());
        }

        /** The patches written since the last call. */
        List<TokenLastSeen> patches() {
            return out.readValuesToList();
        }

        List<Instant> lastSeenOfPatches() {
            return patches().stream().map(TokenLastSeen::getLastSeenAt).toList();
        }

        <K, V> Changelog<K, V> changelog(String store, Serde<K> keys, Serde<V> values) {
            String topic =
                    driver.config().streams().get(StreamsConfig.APPLICATION_ID_CONFIG) + "-" + store + "-changelog";
            return new Changelog<>(
                    store,
                    driver.driver()
                            .createOutputTopic(topic, keys.deserializer(), values.deserializer())
                            .readKeyValuesToList());
        }

        /** Entries in the trailing index (its count key aside). */
        long indexEntries() {
            KeyValueStore<Bytes, byte[]> store = driver.driver().getKeyValueStore(StoreNames.TOKEN_USAGE_TRAILING);
            List<KeyValue<Bytes, byte[]>> all = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
                it.forEachRemaining(all::add);
            }
            return all.stream().filter(e -> e.key.get().length > 1).count();
        }

        @Override
        public void close() {
            driver.close();
        }
    }
}
