package dev.lastseen.app;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.app.metrics.MetricsBinding;
import dev.lastseen.app.spikes.SpikeThresholds;
import dev.lastseen.app.topology.LastseenTopology;
import dev.lastseen.app.topology.TopologySettings;
import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.state.TokenStores;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running lastseen instance: the topology in a {@link KafkaStreams} client, with its
 * metrics. Start-up order: validate configuration (done by the caller), resolve the account
 * partition count, build, start.
 */
public final class LastseenApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LastseenApp.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final Readiness readiness;
    private final AutoCloseable observability;

    private LastseenApp(KafkaStreams streams, Readiness readiness, AutoCloseable observability) {
        this.streams = streams;
        this.readiness = readiness;
        this.observability = observability;
    }

    /**
     * Builds and starts an instance.
     *
     * @param accountPartitions partitions of the login topic (the account partitioning)
     */
    public static LastseenApp start(
            LastseenConfig config, SchemaRegistryClient registry, MeterRegistry meters, int accountPartitions) {
        LastseenMetrics metrics = new LastseenMetrics(meters);
        SpikeThresholds thresholds = SpikeThresholds.start(config.spikes(), metrics);
        Topology topology = LastseenTopology.build(
                TopologySettings.from(config, accountPartitions, Clock.systemUTC()),
                registry,
                TokenStores.persistent(),
                metrics,
                thresholds);
        log.info("Topology:\n{}", topology.describe());
        Properties props = StreamsProperties.of(config, metrics);
        KafkaStreams streams = new KafkaStreams(topology, props);
        // A failed stream thread (e.g. the registry unreachable for longer than the client's retries) is
        // replaced; under exactly-once its uncommitted work is re-read, so nothing is skipped.
        streams.setUncaughtExceptionHandler(e -> {
            log.error("Stream thread failed; replacing it. Cause: {}", e.toString());
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> log.info("Kafka Streams state {} -> {}", before, now));
        Readiness readiness = new Readiness();
        readiness.attach(streams);
        MetricsBinding binding = MetricsBinding.bind(meters, streams);
        streams.start();
        return new LastseenApp(streams, readiness, () -> {
            binding.close();
            thresholds.close();
        });
    }

    public KafkaStreams streams() {
        return streams;
    }

    public Readiness readiness() {
        return readiness;
    }

    @Override
    public void close() {
        streams.close(CLOSE_TIMEOUT);
        try {
            observability.close();
        } catch (Exception e) {
            log.warn("Closing metrics and the thresholds reloader failed: {}", e.toString());
        }
    }
}
