package dev.lastseen.app.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the metrics that are not lastseen's own to the registry behind {@code /metrics}:
 * every metric of the Kafka Streams client (client, thread, task, state store and RocksDB
 * metrics, plus those of its consumers, producer and admin client) through Micrometer's
 * {@link KafkaStreamsMetrics}, and the JVM's (memory, GC, threads, class loading, CPU, uptime).
 *
 * <p>Kafka Streams creates task and store metrics when tasks are assigned; the binder looks for
 * new ones every {@link #KAFKA_REFRESH}. The RocksDB memory figures the dashboard uses
 * ({@code block-cache-usage}, {@code size-all-mem-tables}, ...) are property metrics recorded at
 * the default {@code metrics.recording.level=INFO}; only RocksDB's statistics-based metrics
 * (bytes written/read rates, hit ratios) need {@code DEBUG}, which costs RocksDB statistics on
 * every store operation, so lastseen leaves the level at INFO (set the Kafka Streams property to
 * DEBUG to get them). Labels come from Kafka's own tags (client, thread, task, store, topic,
 * partition): bounded by the deployment, never by accounts or tokens.
 */
public final class MetricsBinding implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsBinding.class);
    /** How often newly created Kafka metrics (new tasks, stores, threads) are picked up. */
    static final Duration KAFKA_REFRESH = Duration.ofSeconds(10);

    private final List<AutoCloseable> closeables;
    private final ScheduledExecutorService scheduler;

    private MetricsBinding(List<AutoCloseable> closeables, ScheduledExecutorService scheduler) {
        this.closeables = closeables;
        this.scheduler = scheduler;
    }

    public static MetricsBinding bind(MeterRegistry registry, KafkaStreams streams) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lastseen-kafka-metrics");
            t.setDaemon(true);
            return t;
        });
        KafkaStreamsMetrics kafka = new KafkaStreamsMetrics(streams, List.of(), scheduler, KAFKA_REFRESH);
        kafka.bindTo(registry);
        MetricsBinding jvm = bindJvm(registry);
        jvm.closeables.add(0, kafka);
        return new MetricsBinding(jvm.closeables, scheduler);
    }

    /** The JVM's meters only (memory, GC, threads, class loading, CPU, uptime): for {@code lastseen apply}, which has no streams client. */
    public static MetricsBinding bindJvm(MeterRegistry registry) {
        JvmGcMetrics gc = new JvmGcMetrics();
        List<MeterBinder> binders = List.of(
                gc,
                new JvmMemoryMetrics(),
                new JvmThreadMetrics(),
                new ClassLoaderMetrics(),
                new ProcessorMetrics(),
                new UptimeMetrics());
        binders.forEach(b -> b.bindTo(registry));
        return new MetricsBinding(new ArrayList<>(List.of(gc)), null);
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("Closing a metrics binder failed: {}", e.toString());
            }
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
