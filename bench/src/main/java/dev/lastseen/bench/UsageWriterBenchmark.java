package dev.lastseen.bench;

import dev.lastseen.state.CoalescingUsageStore;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.TokenStores;
import dev.lastseen.state.UsageChange;
import dev.lastseen.state.UsageFields;
import dev.lastseen.state.UsageWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
    /** memory, rocksdb: the bare store; rocksdb-coalesced: the application's usage store layout (write-behind over RocksDB). */
    @Param({"memory", "rocksdb", "rocksdb-coalesced"})
    public String store;

    /** Updates between two commits: about one second of a drain. */
    private static final int COMMIT_EVERY = 1 << 17;

    private int sinceCommit;

    private Path dir;
    private KeyValueStore<TokenKey, UsageFields> kv;
    private UsageWriter writer;
    private TokenKey[] keys;
    private long clock = 1_700_000_000_000L;
    private int i;

    @Setup
    public void setUp() {
        dir = BenchStores.tempDir();
        kv = store.endsWith("-coalesced")
                ? new CoalescingUsageStore(
                        BenchStores.usage(store.substring(0, store.indexOf('-')), dir), TokenStores.USAGE_HELD_ENTRIES)
                : BenchStores.usage(store, dir);
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
        commitNow();
        return writer.recordSuccess(keys[i++ & (Fixtures.SAMPLES - 1)], clock, "fra1", "198.51.100.7");
    }

    @Benchmark
    public UsageChange recordFailure() {
        commitNow();
        return writer.recordFailure(keys[i++ & (Fixtures.SAMPLES - 1)], 1_700_000_000_000L);
    }

    /** What Kafka Streams does at a commit: the write-behind layer writes its entries below (the bare stores: nothing). */
    private void commitNow() {
        if (++sinceCommit == COMMIT_EVERY) {
            sinceCommit = 0;
            kv.commit(Map.of());
        }
    }
}
