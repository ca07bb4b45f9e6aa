package dev.lastseen.app.spikes;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.app.thresholds.SpikeThreshold;
import dev.lastseen.app.thresholds.Thresholds;
import dev.lastseen.avro.AuthFailureSpike;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.registry.SchemaRegistryClient;
import dev.lastseen.serde.AvroSerdes;
import java.time.Clock;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Attaches failure-spike detection to the account-keyed login stream: a
 * {@link FailureSpikeDetector} (in the same task as the account's usage, so no extra
 * repartition) writing {@link AuthFailureSpike} records, keyed by account, to the alerts topic.
 * The wall clock bounds when windows close (see {@link FailureSpikeDetector}); it is the clock the
 * login validation checks skew against.
 */
public final class FailureSpikeTopology {
    /** Processor node names, fixed so operators and tests can find them in the description. */
    public static final String DETECTOR = "auth-failure-spike-detector";

    public static final String SINK = "auth-failure-alerts-sink";

    private FailureSpikeTopology() {}

    public static void attach(
            KStream<String, LoginEvent> loginsByAccount,
            LastseenConfig.SpikeSettings settings,
            SpikeStores stores,
            Clock wallClock,
            String alertsTopic,
            Supplier<Thresholds> thresholds,
            SchemaRegistryClient registry,
            boolean autoRegister,
            LastseenMetrics metrics) {
        StoreBuilder<?> counts = stores.windowCountsBuilder();
        StoreBuilder<?> baselines = stores.baselinesBuilder();
        ProcessorSupplier<String, LoginEvent, String, AuthFailureSpike> detector = new ProcessorSupplier<>() {
            @Override
            public Processor<String, LoginEvent, String, AuthFailureSpike> get() {
                return new FailureSpikeDetector(settings, thresholds, metrics, wallClock);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(counts, baselines);
            }
        };
        loginsByAccount
                .process(detector, Named.as(DETECTOR))
                .to(
                        alertsTopic,
                        Produced.with(
                                        Serdes.String(),
                                        AvroSerdes.specific(AuthFailureSpike.class, registry, autoRegister))
                                .withName(SINK));
    }

    /** The thresholds configuration alone gives: its default for every account, no overrides. */
    public static Thresholds configuredDefaults(LastseenConfig.SpikeSettings settings) {
        return Thresholds.of(new SpikeThreshold(settings.minimum(), settings.factor()));
    }
}
