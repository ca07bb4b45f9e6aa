package dev.lastseen.app.spikes;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.config.SpikeConfig;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.app.thresholds.Thresholds;
import dev.lastseen.app.topology.SettableClock;
import dev.lastseen.app.topology.TopologyDriver;
import dev.lastseen.avro.AuthFailureSpike;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.registry.InMemorySchemaRegistry;
import dev.lastseen.serde.SpecificAvroDeserializer;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.state.StoreNames;
import dev.lastseen.testing.TestRecords;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The real topology under the test driver with the default spike settings (60 s windows, 30 s
 * grace, minimum 20, factor 3, alpha 0.2) and thresholds the test can swap at any time. The
 * wall clock is the test's ({@link #clock}): by default a day after the events, so only the
 * events' median decides when windows close; a test sets it to "now" to check the wall-clock bound.
 */
final class SpikeHarness implements AutoCloseable {
    /** A window boundary, so window arithmetic in tests reads plainly. */
    static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");

    static final long WINDOW_MS = 60_000;
    static final long GRACE_MS = 30_000;
    /** The account whose successes move the closing clock in {@link #advanceTo}. */
    static final String CLOCK_ACCOUNT = "acct-clock";

    private final TopologyDriver topologyDriver;
    final InMemorySchemaRegistry registry;
    final MeterRegistry meters = new SimpleMeterRegistry();
    final LastseenMetrics metrics = new LastseenMetrics(meters);
    final AtomicReference<Thresholds> thresholds;
    final SettableClock clock = new SettableClock(T0.plusSeconds(86_400));
    final TopologyTestDriver driver;
    final TestInputTopic<String, LoginEvent> logins;
    final TestOutputTopic<String, AuthFailureSpike> alerts;

    SpikeHarness() {
        this(null);
    }

    SpikeHarness(Thresholds initial) {
        this(initial, SpikeStores.persistent());
    }

    SpikeHarness(Thresholds initial, SpikeStores stores) {
        thresholds = new AtomicReference<>(initial);
        topologyDriver = TopologyDriver.builder()
                .set(SpikeConfig.SPIKE_WINDOW_MS, WINDOW_MS)
                .set(SpikeConfig.SPIKE_GRACE_MS, GRACE_MS)
                .metrics(metrics)
                .thresholds(thresholds::get)
                .spikeStores(stores)
                .startAt(T0)
                // Wall clock far after the events: usage's clock-skew check must not reject them.
                .clock(clock)
                .build();
        LastseenConfig config = topologyDriver.config();
        // read at window evaluations only, so it may be set after the build
        thresholds.compareAndSet(null, FailureSpikeTopology.configuredDefaults(config.spikes()));
        registry = topologyDriver.registry();
        driver = topologyDriver.driver();
        logins = driver.createInputTopic(
                config.topics().loginEvents(),
                new StringSerializer(),
                new SpecificAvroSerializer<>(registry, LoginEvent.class, true));
        alerts = driver.createOutputTopic(
                config.topics().authFailureAlerts(),
                new StringDeserializer(),
                new SpecificAvroDeserializer<>(registry, AuthFailureSpike.class));
    }

    /** {@code n} failures of one token, spread over the second {@code [at, at + 1s)}. */
    void failures(String account, String token, Instant at, int n) {
        for (int i = 0; i < n; i++) {
            send(TestRecords.login(account, token, at.plusMillis(i * 1000L / Math.max(1, n)), AuthOutcome.FAILURE));
        }
    }

    /**
     * Moves the detector's closing time to {@code at} (as far as the wall clock allows): a full
     * sample of events at {@code at}, so that their median is {@code at}. The events are successes
     * of a token of its own, so they count nowhere.
     */
    void advanceTo(Instant at) {
        for (int i = 0; i < FailureSpikeDetector.CLOCK_SAMPLE_EVENTS; i++) {
            success(CLOCK_ACCOUNT, "tok-clock", at);
        }
    }

    /** Advances the driver's wall-clock time, firing the punctuations due (the detector's run every second). */
    void punctuate(Duration by) {
        driver.advanceWallClockTime(by);
    }

    double droppedLate() {
        return meters.get("lastseen.spike.failures.dropped")
                .tag("reason", "window_closed")
                .counter()
                .count();
    }

    void success(String account, String token, Instant at) {
        send(TestRecords.login(account, token, at, AuthOutcome.SUCCESS));
    }

    void send(LoginEvent event) {
        logins.pipeInput(event.getAccountId(), event, event.getOccurredAt());
    }

    /** Start of window {@code n} after {@link #T0}. */
    static Instant window(int n) {
        return T0.plusMillis(n * WINDOW_MS);
    }

    double spikesCounted() {
        return meters.get("lastseen.auth.failure.spikes").counter().count();
    }

    KeyValueStore<String, Long> windowCounts() {
        return driver.getKeyValueStore(StoreNames.FAILURE_WINDOW_COUNTS);
    }

    KeyValueStore<String, Object> baselines() {
        return driver.getKeyValueStore(StoreNames.FAILURE_BASELINES);
    }

    @Override
    public void close() {
        topologyDriver.close();
    }
}
