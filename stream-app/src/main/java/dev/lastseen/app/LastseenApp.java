package dev.lastseen.app;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.config.RestartConfig;
import dev.lastseen.app.errors.DeadLetterLimit;
import dev.lastseen.app.errors.RecordRetries;
import dev.lastseen.app.errors.StreamThreadFailureHandler;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.app.metrics.MetricsBinding;
import dev.lastseen.app.spikes.SpikeThresholds;
import dev.lastseen.app.thresholds.LastKnownGood;
import dev.lastseen.app.topology.LastseenTopology;
import dev.lastseen.app.topology.TopologySettings;
import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.state.TokenStores;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running lastseen instance: the topology in a {@link KafkaStreams} client, with its
 * metrics. Start-up order: validate configuration (done by the caller), resolve the account
 * partition count, build, start.
 */
public final class LastseenApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LastseenApp.class);
    /** How long start-up waits for Kafka to describe the dead-letter topic. */
    private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(60);
    /** File name of the last good thresholds, under {@code <state.dir>/lastseen/}. */
    static final String LAST_KNOWN_GOOD_THRESHOLDS = "thresholds.last-known-good.json";

    private final LastseenConfig config;
    private final KafkaStreams streams;
    private final Readiness readiness;
    private final AutoCloseable observability;

    private LastseenApp(LastseenConfig config, KafkaStreams streams, Readiness readiness, AutoCloseable observability) {
        this.config = config;
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
        SpikeThresholds thresholds = SpikeThresholds.start(config.spikes(), metrics, lastKnownGood(config));
        Topology topology = LastseenTopology.build(
                TopologySettings.from(config, accountPartitions, Clock.systemUTC()),
                registry,
                TokenStores.persistent(),
                metrics,
                thresholds);
        log.info("Topology:\n{}", topology.describe());
        int deadLetterMaxBytes =
                DeadLetterLimit.read(config.streams(), config.topics().deadLetter(), DESCRIBE_TIMEOUT);
        Properties props = StreamsProperties.of(
                config, metrics, new RecordRetries(config.resilience().recordMaxRetries()), deadLetterMaxBytes);
        KafkaStreams streams = new KafkaStreams(topology, props);
        // A failed stream thread is counted by cause and replaced; under exactly-once its uncommitted work
        // is re-read, so nothing is skipped.
        streams.setUncaughtExceptionHandler(new StreamThreadFailureHandler(metrics));
        streams.setStateListener((now, before) -> log.info("Kafka Streams state {} -> {}", before, now));
        Readiness readiness = new Readiness();
        readiness.attach(streams);
        streams.setGlobalStateRestoreListener(new RestoreListeners(readiness, new RestoreLog(metrics)));
        LastseenConfig.ResilienceSettings resilience = config.resilience();
        log.info(
                "Group membership: {}; a planned shutdown {} the group; dead letters at most {} bytes",
                resilience.staticMember()
                        ? "static, group.instance.id=" + resilience.instanceId()
                        : "dynamic (a restart waits for the old member's session to expire)",
                resilience.leavesGroupOnShutdown() ? "leaves" : "stays in",
                deadLetterMaxBytes);
        MetricsBinding binding = MetricsBinding.bind(meters, streams);
        streams.start();
        return new LastseenApp(config, streams, readiness, () -> {
            binding.close();
            thresholds.close();
        });
    }

    /**
     * Where the last good thresholds file is kept: beside the instance's Kafka Streams state, in the configured
     * {@code state.dir}. Without one, none is kept (Kafka Streams' own default is a directory under the shared
     * temporary directory, where other users could read or replace it).
     */
    static LastKnownGood lastKnownGood(LastseenConfig config) {
        Object stateDir = config.streams().get(StreamsConfig.STATE_DIR_CONFIG);
        if (stateDir == null || stateDir.toString().isBlank()) {
            log.warn("state.dir is not set: no last-known-good copy of the thresholds file is kept (set state.dir to"
                    + " the instance's state volume)");
            return null;
        }
        return new LastKnownGood(ownDir(config).resolve(LAST_KNOWN_GOOD_THRESHOLDS));
    }

    /** lastseen's own files ({@code <state.dir>/lastseen/}), next to the instance's Kafka Streams state. */
    static Path ownDir(LastseenConfig config) {
        Object stateDir = config.streams().get(StreamsConfig.STATE_DIR_CONFIG);
        Path dir = stateDir == null
                ? Path.of(System.getProperty("java.io.tmpdir"), "kafka-streams") // Kafka Streams' own default
                : Path.of(stateDir.toString());
        return dir.resolve("lastseen");
    }

    public KafkaStreams streams() {
        return streams;
    }

    public Readiness readiness() {
        return readiness;
    }

    /**
     * A planned shutdown: commits, flushes and checkpoints within {@code lastseen.shutdown.timeout.ms}.
     * A dynamic member leaves the group at once, so its tasks move now instead of after its session
     * expires. A static member by default stays: it is expected back within {@code session.timeout.ms}
     * (a rolling restart), and then takes its tasks back without any rebalance
     * ({@code lastseen.shutdown.leave-group}).
     */
    @Override
    public void close() {
        LastseenConfig.ResilienceSettings resilience = config.resilience();
        CloseOptions options = CloseOptions.groupMembershipOperation(
                        resilience.leavesGroupOnShutdown()
                                ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP
                                : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                .withTimeout(resilience.shutdownTimeout());
        // Metrics first: Kafka Streams 4.4's uncommitted-bytes gauge reads a transactional store's native write
        // batch, and read while the store closes it crashed the JVM (SIGSEGV in WriteBatch.getDataSize, seen in
        // RollingRestartIT): the planned stop became a crash, and the restart restored from scratch.
        try {
            observability.close();
        } catch (Exception e) {
            log.warn("Closing metrics and the thresholds reloader failed: {}", e.toString());
        }
        if (!streams.close(options)) {
            log.warn(
                    "Kafka Streams did not close within {} ({}); the next start may restore more",
                    resilience.shutdownTimeout(),
                    RestartConfig.SHUTDOWN_TIMEOUT_MS);
        }
    }
}
