package dev.lastseen.bench;

import dev.lastseen.state.TokenKey;
import dev.lastseen.state.UsageChange;
import dev.lastseen.state.UsageFields;
import dev.lastseen.state.UsageWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.state.KeyValueStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * The usage update (read, max-register, write) against a real store, for Zipf-distributed keys
 * over a 1M-token fleet: what every successful login costs in the state store.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g"})
public class UsageWriterBenchmark {
    @Param({"memory", "rocksdb"})
    public String store;

    private Path dir;
    private KeyValueStore<TokenKey, UsageFields> kv;
    private UsageWriter writer;
    private TokenKey[] keys;
    private long clock = 1_700_000_000_000L;
    private int i;

    @Setup
    public void setUp() {
        dir = BenchStores.tempDir();
        kv = BenchStores.usage(store, dir);
        writer = new UsageWriter(kv, Duration.ofMinutes(1));
        keys = Fixtures.keys(1_000_000);
    }

    @TearDown
    public void tearDown() {
        kv.close();
        BenchStores.delete(dir);
    }

    @Benchmark
    public UsageChange recordSuccess() {
        clock += 3; // event time moves forward: some updates advance last-seen, a few cross the patch granularity
        return writer.recordSuccess(keys[i++ & (Fixtures.SAMPLES - 1)], clock, "fra1", "198.51.100.7");
    }

    @Benchmark
    public UsageChange recordFailure() {
        return writer.recordFailure(keys[i++ & (Fixtures.SAMPLES - 1)], 1_700_000_000_000L);
    }
}
