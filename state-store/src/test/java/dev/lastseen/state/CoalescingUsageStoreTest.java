package dev.lastseen.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class CoalescingUsageStoreTest {
    private final KeyValueStore<TokenKey, UsageFields> below = Stores4Test.inMemory("usage", StateSerdes.usage());

    private static UsageFields at(long t) {
        return new UsageFields(t, "fra1", null, t, t, t);
    }

    private static TokenKey key(String account, String token) {
        return new TokenKey(account, token);
    }

    @Test
    void holdsUpdatesUntilTheCommitAndThenWritesOnlyTheNewestValueBelow() {
        CoalescingUsageStore store = new CoalescingUsageStore(below, 100);
        store.put(key("a", "t1"), at(1));
        store.put(key("a", "t1"), at(2));

        assertThat(store.get(key("a", "t1"))).isEqualTo(at(2));
        assertThat(below.get(key("a", "t1")))
                .as("nothing below before the commit")
                .isNull();

        store.flushCache();
        assertThat(below.get(key("a", "t1"))).isEqualTo(at(2));

        // After a commit, what is below is exactly the committed state: later updates wait for the next commit,
        // so a crash before it leaves the changelog (written below) at the last committed values.
        store.put(key("a", "t1"), at(3));
        assertThat(below.get(key("a", "t1"))).isEqualTo(at(2));
        assertThat(store.get(key("a", "t1"))).isEqualTo(at(3));
    }

    @Test
    void writesBelowOnlyInTheInCommitCacheFlushNeverInTheStoreCommitThatFollowsTheTransaction() {
        CoalescingUsageStore store = new CoalescingUsageStore(below, 100);
        store.put(key("a", "t1"), at(1));

        // Kafka Streams 4.4 calls commit(Map) from postCommit, after the transaction has committed:
        // a write there would reach the changelog in the next transaction, after the input's offsets.
        store.commit(Map.of());
        assertThat(below.get(key("a", "t1")))
                .as("nothing below after commit(Map)")
                .isNull();

        store.flushCache();
        assertThat(below.get(key("a", "t1"))).isEqualTo(at(1));
    }

    @Test
    void clearingTheCacheDropsWhatAnAbortedTransactionHeld() {
        CoalescingUsageStore store = new CoalescingUsageStore(below, 100);
        store.put(key("a", "t1"), at(1));
        store.flushCache();
        store.put(key("a", "t1"), at(2));
        store.put(key("a", "t2"), at(2));

        store.clearCache();
        store.flushCache();
        assertThat(store.get(key("a", "t1"))).isEqualTo(at(1));
        assertThat(store.get(key("a", "t2"))).isNull();
        assertThat(below.get(key("a", "t2"))).isNull();
    }

    @Test
    void rangeAndAllMergeHeldAndWrittenEntriesInKeyOrderWithTheHeldValueWinning() {
        CoalescingUsageStore store = new CoalescingUsageStore(below, 100);
        store.put(key("a", "t1"), at(1));
        store.put(key("a", "t3"), at(3));
        store.put(key("b", "t0"), at(9));
        store.flushCache();
        store.put(key("a", "t2"), at(2));
        store.put(key("a", "t3"), at(30));
        store.put(key("a\u0000", "z"), at(5)); // never valid, but sorts after every token of "a" as bytes do

        assertThat(list(store.range(TokenKey.rangeStart("a", null), TokenKey.rangeEnd("a"))))
                .containsExactly(
                        KeyValue.pair(key("a", "t1"), at(1)),
                        KeyValue.pair(key("a", "t2"), at(2)),
                        KeyValue.pair(key("a", "t3"), at(30)));
        assertThat(list(store.range(TokenKey.rangeStart("a", "t1"), null)))
                .extracting(kv -> kv.key)
                .containsExactly(key("a", "t2"), key("a", "t3"), key("a\u0000", "z"), key("b", "t0"));
        assertThat(list(store.all()))
                .hasSize(5)
                .extracting(kv -> kv.key)
                .isSortedAccordingTo(CoalescingUsageStore.KEY_ORDER);
    }

    @Test
    void theHeldEntriesAreBoundedAndTheNextNewTokenWritesThemBelow() {
        CoalescingUsageStore store = new CoalescingUsageStore(below, 3);
        for (int i = 0; i < 3; i++) {
            store.put(key("a", "t" + i), at(i));
        }
        assertThat(below.approximateNumEntries()).isZero();

        store.put(key("a", "t3"), at(3));
        assertThat(below.approximateNumEntries()).isEqualTo(3);
        for (int i = 0; i < 4; i++) {
            assertThat(store.get(key("a", "t" + i))).isEqualTo(at(i));
        }
    }

    @Test
    void deleteRemovesTheHeldAndTheWrittenValue() {
        CoalescingUsageStore store = new CoalescingUsageStore(below, 100);
        store.put(key("a", "t1"), at(1));
        store.flushCache();
        store.put(key("a", "t1"), at(2));

        assertThat(store.delete(key("a", "t1"))).isEqualTo(at(2));
        store.flushCache();
        assertThat(store.get(key("a", "t1"))).isNull();
        assertThat(below.get(key("a", "t1"))).isNull();
        assertThat(list(store.all())).isEmpty();
    }

    @Test
    void aNullPutDeletesTheHeldAndTheWrittenValue() {
        CoalescingUsageStore store = new CoalescingUsageStore(below, 100);
        store.put(key("a", "t1"), at(1));
        store.flushCache();
        store.put(key("a", "t1"), at(2));

        store.put(key("a", "t1"), null);
        assertThat(store.get(key("a", "t1"))).isNull();
        store.flushCache();
        assertThat(below.get(key("a", "t1"))).isNull();
    }

    @Test
    void aReaderOnAnotherThreadSeesWholeValuesNeverATornOne() throws InterruptedException {
        CoalescingUsageStore store = new CoalescingUsageStore(below, 2);
        TokenKey hot = key("a", "hot");
        store.put(hot, at(0));
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<UsageFields> torn = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                UsageFields u = store.get(hot);
                if (u == null || u.successCount() != u.lastSeenAt() || u.failureCount() != u.lastSeenAt()) {
                    torn.compareAndSet(null, u == null ? UsageFields.NONE : u);
                }
            }
        });
        reader.start();
        for (long t = 1; t <= 200_000; t++) {
            store.put(hot, at(t));
            if (t % 1000 == 0) {
                store.put(key("a", "other-" + t), at(t)); // crosses the bound: everything written below, held anew
            }
            if (t % 5000 == 0) {
                store.flushCache();
            }
        }
        done.set(true);
        reader.join();
        assertThat(torn.get()).as("a value the reader saw").isNull();
        assertThat(store.get(hot)).isEqualTo(at(200_000));
    }

    private static List<KeyValue<TokenKey, UsageFields>> list(KeyValueIterator<TokenKey, UsageFields> it) {
        List<KeyValue<TokenKey, UsageFields>> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
