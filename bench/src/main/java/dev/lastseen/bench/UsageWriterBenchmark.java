package dev.lastseen.bench;

import dev.lastseen.state.CoalescingUsageStore;
import dev.lastseen.state.NeverSeenIndex;
import dev.lastseen.state.TokenKey;
import dev.lastseen.state.TokenStores;
import dev.lastseen.state.UsageChange;
import dev.lastseen.state.UsageFields;
import dev.lastseen.state.UsageWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Bytes;
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
 * over a 1M-token fleet: what every successful login costs in the state store. With
 * {@code neverSeen=capped} the writer keeps the never-seen index and its cap (what the
 * application runs), at steady state: {@value #CAP} never-successful entries already indexed, so
 * every new failing token id evicts; with {@code none}, the bare writer. {@code recordSuccess} on
 * both shows the success path does not pay for the cap; {@code recordFailureOfNewTokenId} is the
 * flood case (random token ids, each failing once).
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
    static final int CAP = 100_000;

    /** memory, rocksdb: the bare store; rocksdb-coalesced: the usage store as the application builds it (write-behind over RocksDB). */
    @Param({"memory", "rocksdb", "rocksdb-coalesced"})
    public String store;

    /** Updates between two commits: about one second of a drain. */
    private static final int COMMIT_EVERY = 1 << 17;

    private int sinceCommit;

    @Param({"none", "capped"})
    public String neverSeen;

    private Path dir;
    private KeyValueStore<TokenKey, UsageFields> kv;
    private KeyValueStore<Bytes, byte[]> index;
    private long floodId;
    private long floodClock = 1_700_000_000_000L;
    private UsageWriter writer;
    private TokenKey[] keys;
    private long clock = 1_700_000_000_000L;
    private int i;

    @Setup
    public void setUp() {
        dir = BenchStores.tempDir();
        String bare = store.replace("-coalesced", "");
        kv = store.endsWith("-coalesced")
                ? new CoalescingUsageStore(BenchStores.usage(bare, dir), TokenStores.USAGE_HELD_ENTRIES)
                : BenchStores.usage(bare, dir);
        if (neverSeen.equals("capped")) {
            index = BenchStores.neverSeen(bare, dir);
            writer = new UsageWriter(kv, new NeverSeenIndex(index, CAP), Duration.ofMinutes(1), n -> {});
        } else {
            writer = new UsageWriter(kv, Duration.ofMinutes(1));
        }
        keys = Fixtures.keys(1_000_000);
        for (int k = 0; k < CAP; k++) {
            recordFailureOfNewTokenId(); // the flood has filled the cap: from here on each new id evicts one
        }
    }

    @TearDown
    public void tearDown() {
        kv.close();
        if (index != null) {
            index.close();
        }
        BenchStores.delete(dir);
    }

    @Benchmark
    public UsageChange recordSuccess() {
        clock += 3; // event time moves forward: some updates advance last-seen, a few cross the patch granularity
        commitNow();
        return writer.recordSuccess(keys[i++ & (Fixtures.SAMPLES - 1)], clock, "fra1", "198.51.100.7");
    }

    @Benchmark
    public UsageChange recordFailureOfNewTokenId() {
        floodClock += 1;
        commitNow();
        return writer.recordFailure(new TokenKey("acct-flood", "guess-" + floodId++), floodClock);
    }

    @Benchmark
    public UsageChange recordFailure() {
        clock += 3; // failures of the fleet's tokens as they happen
        commitNow();
        return writer.recordFailure(keys[i++ & (Fixtures.SAMPLES - 1)], clock);
    }

    /**
     * What Kafka Streams does at a task commit: the in-commit cache flush (the write-behind layer
     * writes its entries below; the bare stores have nothing to flush), then the store commit.
     */
    private void commitNow() {
        if (++sinceCommit == COMMIT_EVERY) {
            sinceCommit = 0;
            if (kv instanceof CoalescingUsageStore coalescing) {
                coalescing.flushCache();
            }
            kv.commit(Map.of());
        }
    }
}
