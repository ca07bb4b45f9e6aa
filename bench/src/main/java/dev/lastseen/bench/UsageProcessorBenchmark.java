package dev.lastseen.bench;

import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.metrics.LastseenMetrics;
import dev.lastseen.app.topology.UsageCommand;
import dev.lastseen.app.topology.UsageProcessor;
import dev.lastseen.avro.LoginEvent;
import dev.lastseen.avro.TokenLastSeen;
import dev.lastseen.devtools.traffic.SyntheticTraffic;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.UsageFields;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole per-login processor step as the topology runs it: metrics, usage update against a
 * real store, patch building. Shows what the processor adds on top of the bare store update.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g"})
public class UsageProcessorBenchmark {
    private static final int SAMPLES = 1 << 16;

    @Param({"memory", "rocksdb"})
    public String store;

    private Path dir;
    private KeyValueStore<TokenKey, UsageFields> kv;
    private KeyValueStore<Bytes, byte[]> neverSeen;
    private KeyValueStore<Bytes, byte[]> trailing;
    private MockProcessorContext<String, TokenLastSeen> context;
    private UsageProcessor processor;
    private Record<String, UsageCommand>[] records;
    private int i;
    private long eventTime = 1_700_000_000_000L;

    @Setup
    @SuppressWarnings({"unchecked", "rawtypes"}) // an array of a generic type: created raw, filled with typed records
    public void setUp() {
        dir = BenchStores.tempDir();
        kv = BenchStores.usage(store, dir);
        context = BenchStores.context(dir);
        neverSeen = BenchStores.neverSeen(store, dir);
        context.addStateStore(kv);
        trailing = BenchStores.trailing(store, dir);
        context.addStateStore(neverSeen);
        context.addStateStore(trailing);
        processor = new UsageProcessor(
                Duration.ofMinutes(1),
                new LastseenMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)),
                Clock.systemUTC(),
                new LastseenConfig.RetentionSettings(Duration.ZERO, Duration.ZERO, Duration.ZERO),
                1_000_000,
                1_000_000);
        processor.init(context);
        SyntheticTraffic traffic = new SyntheticTraffic(
                new SyntheticTraffic.Settings(1_000, 1_000_000, 1.1, 0.05, 0.05, Duration.ofSeconds(5), 42));
        records = new Record[SAMPLES];
        Instant start = Instant.now();
        for (int k = 0; k < SAMPLES; k++) {
            LoginEvent e = traffic.next(start.plusMillis(k));
            records[k] = new Record<>(
                    e.getAccountId(),
                    new UsageCommand.Login(e),
                    e.getOccurredAt().toEpochMilli());
        }
    }

    @Setup(Level.Iteration)
    public void forgetForwards() {
        context.resetForwards(); // the mock keeps every forwarded patch
    }

    @TearDown
    public void tearDown() {
        kv.close();
        neverSeen.close();
        trailing.close();
        BenchStores.delete(dir);
    }

    @Benchmark
    public void processLogin() {
        Record<String, UsageCommand> r = records[i++ & (SAMPLES - 1)];
        eventTime +=
                3; // event time moves forward, as in a live stream: last-seen advances, patches cross the granularity
        ((UsageCommand.Login) r.value()).event().setOccurredAt(Instant.ofEpochMilli(eventTime));
        processor.process(r);
    }
}
