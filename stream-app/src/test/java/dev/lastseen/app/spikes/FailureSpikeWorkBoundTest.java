package dev.lastseen.app.spikes;

import static dev.lastseen.app.spikes.SpikeHarness.window;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lastseen.app.topology.RecordingStores.Recording;
import dev.lastseen.state.StoreNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The detector's work per record and per punctuation is bounded whatever the size of its stores:
 * with a million closed windows and a million baselines waiting, store operations (reads, writes,
 * deletes, ranges opened, entries returned; counted below the cache, on RocksDB) stay under the
 * documented bounds, and the backlog is still worked off. Counted, not timed.
 */
class FailureSpikeWorkBoundTest {
    private static final int WINDOWS = 1_000_000;
    private static final int BATCH = 10_000;

    private final Recording counts = new Recording(Stores.persistentKeyValueStore(StoreNames.FAILURE_WINDOW_COUNTS));
    private final Recording baselines = new Recording(Stores.persistentKeyValueStore(StoreNames.FAILURE_BASELINES));

    private long operations() {
        return counts.operations() + baselines.operations();
    }

    private void reset() {
        counts.reset(false);
        baselines.reset(false);
    }

    @Test
    void oneRecordAndOnePunctuationStayUnderTheirBoundsWithAMillionClosedWindowsWaiting() {
        try (SpikeHarness h = new SpikeHarness(null, new SpikeStores(counts, baselines))) {
            // A flood of distinct failing token ids: a million windows of one failure each in window 0,
            // written straight into RocksDB.
            fill(counts.unrecorded(), i -> WindowKeys.window(window(0).toEpochMilli(), scope(i)), i -> longBytes(1));

            // The closing time moves past window 0, one record at a time: each record's work is bounded.
            long maxPerRecord = advancePast(h, 0);
            long opened = 2; // the failure's own windows (account and token), still open
            long judgedByRecords = WINDOWS + opened - remainingWindows(h);
            assertThat(maxPerRecord)
                    .as("store operations of the busiest record")
                    .isPositive()
                    .isLessThanOrEqualTo(FailureSpikeDetector.MAX_STORE_OPERATIONS_PER_RECORD);
            assertThat(judgedByRecords)
                    .as("windows judged by the records: the full share of the two records after the sample filled")
                    .isEqualTo(2L * FailureSpikeDetector.MAX_CLOSED_PER_RECORD);

            // One punctuation: bounded too, and it does its share of the backlog.
            reset();
            h.punctuate(Duration.ofSeconds(1));
            assertThat(operations())
                    .as("store operations of one punctuation")
                    .isLessThanOrEqualTo(FailureSpikeDetector.MAX_STORE_OPERATIONS_PER_PUNCTUATION);
            assertThat(WINDOWS + opened - remainingWindows(h) - judgedByRecords)
                    .as("windows judged by the punctuation")
                    .isEqualTo(FailureSpikeDetector.MAX_CLOSED_PER_PUNCTUATION);
        }
    }

    @Test
    void oneRecordAndOnePunctuationStayUnderTheirBoundsWithAMillionBaselinesToSweep() {
        try (SpikeHarness h = new SpikeHarness(null, new SpikeStores(counts, baselines))) {
            // A million baselines of an earlier flood, every other one decayed to nothing; a few windows to judge.
            fill(baselines.unrecorded(), FailureSpikeWorkBoundTest::scope, i -> baselineBytes(i % 2 == 0 ? 1e-6 : 5.0));
            h.failures("acct-a", "tok-1", window(0).plusSeconds(1), 3);

            long maxPerRecord = advancePast(h, 0);
            assertThat(maxPerRecord)
                    .as("store operations of the busiest record")
                    .isLessThanOrEqualTo(FailureSpikeDetector.MAX_STORE_OPERATIONS_PER_RECORD);
            long swept = WINDOWS + 2 - baselineCount(h); // the two judged windows added two baselines
            // The record that judged the two windows examined 2 baselines per window: the two it had just folded
            // and the first two of the flood, one of them decayed.
            assertThat(swept).as("decayed baselines deleted by the records").isEqualTo(1);

            reset();
            h.punctuate(Duration.ofSeconds(1));
            assertThat(operations())
                    .as("store operations of one punctuation")
                    .isLessThanOrEqualTo(FailureSpikeDetector.MAX_STORE_OPERATIONS_PER_PUNCTUATION);
            assertThat(WINDOWS + 2 - baselineCount(h) - swept)
                    .as("decayed baselines deleted by the punctuation: every other one it examined")
                    .isEqualTo(FailureSpikeDetector.MAX_SWEPT_PER_PUNCTUATION / 2);
        }
    }

    /**
     * Moves the closing time past window {@code n} with a full sample of events and one failure,
     * counting each record's store operations; returns the largest count.
     */
    private long advancePast(SpikeHarness h, int n) {
        Instant afterClose = window(n + 1).plusMillis(SpikeHarness.GRACE_MS);
        long max = 0;
        for (int i = 0; i < FailureSpikeDetector.CLOCK_SAMPLE_EVENTS; i++) {
            reset();
            h.success(SpikeHarness.CLOCK_ACCOUNT, "tok-clock", afterClose);
            max = Math.max(max, operations());
        }
        reset();
        h.failures("acct-other", "tok-new", afterClose, 1); // a failure: counted, and more windows judged
        return Math.max(max, operations());
    }

    private static String scope(int i) {
        return WindowKeys.tokenScope("acct-flood", String.format("tok-%07d", i));
    }

    private static long baselineCount(SpikeHarness h) {
        long n = 0;
        try (KeyValueIterator<String, Object> it = h.baselines().all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    /** Window entries left (the closing-time entry aside). */
    private static long remainingWindows(SpikeHarness h) {
        long n = 0;
        try (KeyValueIterator<String, Long> it = h.windowCounts().all()) {
            while (it.hasNext()) {
                if (!it.next().key.equals(WindowKeys.CLOSING_TIME)) {
                    n++;
                }
            }
        }
        return n;
    }

    private interface Entry {
        Object of(int i);
    }

    private static void fill(KeyValueStore<Bytes, byte[]> store, Entry key, Entry value) {
        List<KeyValue<Bytes, byte[]>> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < WINDOWS; i++) {
            batch.add(KeyValue.pair(
                    Bytes.wrap(((String) key.of(i)).getBytes(StandardCharsets.UTF_8)), (byte[]) value.of(i)));
            if (batch.size() == BATCH) {
                store.putAll(batch);
                batch.clear();
            }
        }
        store.putAll(batch);
    }

    private static byte[] longBytes(long v) {
        return Serdes.Long().serializer().serialize(null, v);
    }

    private static byte[] baselineBytes(double failuresPerWindow) {
        return Baseline.SERDE
                .serializer()
                .serialize(null, new Baseline(failuresPerWindow, window(-1).toEpochMilli()));
    }
}
