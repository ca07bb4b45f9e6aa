package dev.lastseen.app.spikes;

import dev.lastseen.app.StreamsProperties;
import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.app.thresholds.Thresholds;
import dev.lastseen.app.topology.LastseenTopology;
import dev.lastseen.app.topology.TopologySettings;
import dev.lastseen.avro.AuthFailureSpike;
import dev.lastseen.avro.AuthOutcome;
import dev.lastseen.avro.CredentialType;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.registry.InMemorySchemaRegistry;
import dev.lastseen.serde.SpecificAvroDeserializer;
import dev.lastseen.serde.SpecificAvroSerializer;
import dev.lastseen.state.TokenStores;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The real topology under the test driver with the default spike settings (60 s windows, 30 s
 * grace, minimum 20, factor 3, alpha 0.2) and thresholds the test can swap at any time.
 */
final class SpikeHarness implements AutoCloseable {
    /** A window boundary, so window arithmetic in tests reads plainly. */
    static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");

    static final long WINDOW_MS = 60_000;
    static final long GRACE_MS = 30_000;

    final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    final MeterRegistry meters = new SimpleMeterRegistry();
    final LastseenMetrics metrics = new LastseenMetrics(meters);
    final AtomicReference<Thresholds> thresholds;
    final TopologyTestDriver driver;
    final TestInputTopic<String, LoginEvent> logins;
    final TestOutputTopic<String, AuthFailureSpike> alerts;

    SpikeHarness() {
        this(null);
    }

    SpikeHarness(Thresholds initial) {
        Map<String, Object> values = new HashMap<>();
        values.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "test-driver:9092");
        values.put(ConfigLoader.REGISTRY_URL, "mem:");
        values.put(ConfigLoader.SPIKE_WINDOW_MS, WINDOW_MS);
        values.put(ConfigLoader.SPIKE_GRACE_MS, GRACE_MS);
        try {
            values.put(
                    StreamsConfig.STATE_DIR_CONFIG,
                    Files.createTempDirectory("lastseen-spikes").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        values.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        values.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        LastseenConfig config = ConfigLoader.fromMap(values);
        thresholds = new AtomicReference<>(
                initial != null ? initial : FailureSpikeTopology.configuredDefaults(config.spikes()));
        // Wall clock far after the events: usage's clock-skew check must not reject them.
        Clock clock = Clock.fixed(T0.plusSeconds(86_400), ZoneOffset.UTC);
        driver = new TopologyTestDriver(
                LastseenTopology.build(
                        TopologySettings.from(config, 0, clock),
                        registry,
                        TokenStores.persistent(),
                        metrics,
                        thresholds::get),
                StreamsProperties.of(config, metrics),
                T0);
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
            send(login(account, token, at.plusMillis(i * 1000L / Math.max(1, n)), AuthOutcome.FAILURE));
        }
    }

    void success(String account, String token, Instant at) {
        send(login(account, token, at, AuthOutcome.SUCCESS));
    }

    void send(LoginEvent event) {
        logins.pipeInput(event.getAccountId(), event, event.getOccurredAt());
    }

    static LoginEvent login(String account, String token, Instant at, AuthOutcome outcome) {
        return LoginEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(at)
                .setAccountId(account)
                .setCredentialType(CredentialType.SERVICE_TOKEN)
                .setTokenId(token)
                .setOutcome(outcome)
                .setFailureReason(outcome == AuthOutcome.FAILURE ? "invalid_secret" : null)
                .setColo("fra1")
                .setClientIp("192.0.2.7")
                .build();
    }

    /** Start of window {@code n} after {@link #T0}. */
    static Instant window(int n) {
        return T0.plusMillis(n * WINDOW_MS);
    }

    double spikesCounted() {
        return meters.get("lastseen.auth.failure.spikes").counter().count();
    }

    KeyValueStore<String, Long> windowCounts() {
        return driver.getKeyValueStore(SpikeStores.WINDOW_COUNTS);
    }

    KeyValueStore<String, Object> baselines() {
        return driver.getKeyValueStore(SpikeStores.BASELINES);
    }

    @Override
    public void close() {
        driver.close();
    }
}
