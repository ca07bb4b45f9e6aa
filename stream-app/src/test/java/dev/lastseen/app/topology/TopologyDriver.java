package dev.lastseen.app.topology;

import dev.lastseen.app.StreamsProperties;
import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.app.spikes.FailureSpikeTopology;
import dev.lastseen.app.spikes.SpikeStores;
import dev.lastseen.app.thresholds.Thresholds;
import dev.lastseen.config.RegistryConfig;
import dev.lastseen.registry.InMemorySchemaRegistry;
import dev.lastseen.state.TokenStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The real topology ({@link LastseenTopology#build}) under Kafka Streams' {@link TopologyTestDriver},
 * configured once for every unit test that drives it: the in-memory registry, no record cache,
 * at-least-once, a fresh temporary state directory that {@link #close()} deletes. Harnesses
 * build one with {@link #builder()} and add their own inputs; tests close them with
 * {@code @AutoClose} (or try-with-resources), so no state directory is left behind.
 */
public final class TopologyDriver implements AutoCloseable {
    private final TopologyTestDriver driver;
    private final LastseenConfig config;
    private final InMemorySchemaRegistry registry;
    private final LastseenMetrics metrics;
    private final Path stateDir;

    private TopologyDriver(
            TopologyTestDriver driver,
            LastseenConfig config,
            InMemorySchemaRegistry registry,
            LastseenMetrics metrics,
            Path stateDir) {
        this.driver = driver;
        this.config = config;
        this.registry = registry;
        this.metrics = metrics;
        this.stateDir = stateDir;
    }

    public static Builder builder() {
        return new Builder();
    }

    public TopologyTestDriver driver() {
        return driver;
    }

    public LastseenConfig config() {
        return config;
    }

    public InMemorySchemaRegistry registry() {
        return registry;
    }

    public LastseenMetrics metrics() {
        return metrics;
    }

    /** Closes the driver and deletes its state directory. */
    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            deleteRecursively(stateDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the test driver's state directory " + dir, e);
        }
    }

    /** Settings of one driver; every one has a default. */
    public static final class Builder {
        private final Map<String, Object> settings = new HashMap<>();
        private TokenStores stores = TokenStores.persistent();
        private SpikeStores spikeStores = SpikeStores.persistent();
        private LastseenMetrics metrics;
        private Supplier<Thresholds> thresholds;
        private Instant start = Instant.parse("2026-11-21T12:00:00Z");
        private Clock clock;

        private Builder() {
            settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "test-driver:9092");
            settings.put(RegistryConfig.URL, "mem:");
            settings.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
            // The test driver never commits a transaction that only dead-letter sends opened, so under
            // exactly_once_v2 it would hide them; processing logic is the same under both guarantees.
            settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        }

        /** A configuration key, as in the properties file. */
        public Builder set(String key, Object value) {
            settings.put(key, value);
            return this;
        }

        public Builder stores(TokenStores stores) {
            this.stores = stores;
            return this;
        }

        public Builder spikeStores(SpikeStores spikeStores) {
            this.spikeStores = spikeStores;
            return this;
        }

        public Builder metrics(LastseenMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        /** The spike thresholds in force; default: those of the configuration. */
        public Builder thresholds(Supplier<Thresholds> thresholds) {
            this.thresholds = thresholds;
            return this;
        }

        /** The driver's initial wall-clock (stream) time; also the topology's clock unless {@link #clock} is set. */
        public Builder startAt(Instant start) {
            this.start = start;
            return this;
        }

        /** The clock the topology reads (e.g. for clock-skew checks); default: fixed at {@link #startAt}. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public TopologyDriver build() {
            Path stateDir;
            try {
                stateDir = Files.createTempDirectory("lastseen-topology-driver");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            LastseenConfig config = ConfigLoader.fromMap(settings);
            LastseenMetrics m = metrics != null ? metrics : new LastseenMetrics(new SimpleMeterRegistry());
            InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
            TopologySettings topologySettings =
                    TopologySettings.from(config, 0, clock != null ? clock : Clock.fixed(start, ZoneOffset.UTC));
            Thresholds configured = FailureSpikeTopology.configuredDefaults(config.spikes());
            Supplier<Thresholds> inForce = thresholds != null ? thresholds : () -> configured;
            Topology topology = LastseenTopology.build(topologySettings, registry, stores, spikeStores, m, inForce);
            return new TopologyDriver(
                    new TopologyTestDriver(topology, StreamsProperties.of(config, m), start),
                    config,
                    registry,
                    m,
                    stateDir);
        }
    }
}
