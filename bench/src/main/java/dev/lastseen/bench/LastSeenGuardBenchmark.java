package dev.lastseen.bench;

import dev.lastseen.state.LastSeenGuard;
import dev.lastseen.state.TokenKey;
import java.nio.file.Path;
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
 * The last-seen guard's check (read, compare, write) against a real store, for Zipf-distributed
 * tokens over a 1M-token fleet: what every TokenLastSeen patch costs besides its repartition.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g"})
public class LastSeenGuardBenchmark {
    @Param({"memory", "rocksdb"})
    public String store;

    private Path dir;
    private KeyValueStore<String, Long> kv;
    private LastSeenGuard guard;
    private String[] tokens;
    private long clock = 1_700_000_000_000L;
    private int i;

    @Setup
    public void setUp() {
        dir = BenchStores.tempDir();
        kv = BenchStores.guard(store, dir);
        guard = new LastSeenGuard(kv);
        TokenKey[] keys = Fixtures.keys(1_000_000);
        tokens = new String[keys.length];
        for (int k = 0; k < keys.length; k++) {
            tokens[k] = keys[k].tokenId();
        }
    }

    @TearDown
    public void tearDown() {
        kv.close();
        BenchStores.delete(dir);
    }

    @Benchmark
    public boolean advancingPatch() {
        clock += 3; // patches of a live stream advance
        return guard.advance(tokens[i++ & (Fixtures.SAMPLES - 1)], clock);
    }
}
