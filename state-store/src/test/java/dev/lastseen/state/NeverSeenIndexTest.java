package dev.lastseen.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The cap on usage entries of token ids that never succeeded, through the writer: whatever the
 * order of failures and successes, the store holds at most the cap of them, the index matches
 * the store exactly, and what is evicted is always the oldest by last failure (an independent
 * model: a sorted set of (last-failure bucket, key)).
 */
class NeverSeenIndexTest {
    record Login(int token, long at, boolean success) {}

    @Provide
    Arbitrary<List<Login>> logins() {
        Arbitrary<Login> login = Combinators.combine(
                        Arbitraries.integers().between(0, 40),
                        // times far apart and out of order: entries land behind the eviction frontier too
                        Arbitraries.longs().between(1, 20 * NeverSeenIndex.BUCKET_MILLIS),
                        Arbitraries.integers().between(0, 9).map(i -> i == 0)) // one in ten succeeds
                .as(Login::new);
        return login.list().ofMaxSize(300);
    }

    @Property(tries = 300)
    void theStoreKeepsAtMostTheCapOfNeverSeenEntriesAndEvictsTheOldestFirst(
            @ForAll("logins") List<Login> logins, @ForAll @IntRange(min = 1, max = 12) int cap) {
        KeyValueStore<TokenKey, UsageFields> usage = Stores4Test.inMemory("usage", StateSerdes.usage());
        KeyValueStore<Bytes, byte[]> indexStore = Stores4Test.inMemoryBytes("never-seen");
        AtomicLong evicted = new AtomicLong();
        NeverSeenIndex index = new NeverSeenIndex(indexStore, cap);
        UsageWriter writer = new UsageWriter(usage, index, Duration.ofMinutes(1), evicted::addAndGet);
        TreeSet<Bytes> model = new TreeSet<>(); // index keys of never-seen entries, oldest first
        long modelEvicted = 0;

        for (Login l : logins) {
            TokenKey key = new TokenKey("acct", "tok-" + l.token());
            UsageFields before = usage.get(key);
            if (l.success()) {
                writer.recordSuccess(key, l.at(), null, null);
                if (before != null && !before.seen()) {
                    model.remove(NeverSeenIndex.key(before.lastFailureAt(), key));
                }
            } else {
                writer.recordFailure(key, l.at());
                if (before == null || !before.seen()) {
                    if (before != null) {
                        model.remove(NeverSeenIndex.key(before.lastFailureAt(), key));
                    }
                    long last = before == null ? l.at() : Math.max(before.lastFailureAt(), l.at());
                    model.add(NeverSeenIndex.key(last, key));
                    if (model.size() > cap) {
                        long target = (long) cap - Math.min(NeverSeenIndex.EVICTION_BATCH - 1, cap / 32);
                        while (model.size() > target) {
                            model.pollFirst();
                            modelEvicted++;
                        }
                    }
                }
            }
            Set<Bytes> neverSeenInStore = neverSeenKeys(usage);
            assertThat(neverSeenInStore.size()).isLessThanOrEqualTo(cap);
            assertThat(neverSeenInStore).isEqualTo(model);
            assertThat(indexKeys(indexStore)).containsExactlyElementsOf(model);
            assertThat(index.size()).isEqualTo(model.size());
            assertThat(evicted.get()).isEqualTo(modelEvicted);
        }
    }

    @Test
    void aRestartedTaskContinuesFromTheStoredCount() {
        KeyValueStore<TokenKey, UsageFields> usage = Stores4Test.inMemory("usage", StateSerdes.usage());
        KeyValueStore<Bytes, byte[]> indexStore = Stores4Test.inMemoryBytes("never-seen");
        UsageWriter writer = new UsageWriter(usage, new NeverSeenIndex(indexStore, 5), Duration.ZERO, n -> {});
        for (int i = 0; i < 4; i++) {
            writer.recordFailure(new TokenKey("acct", "guess-" + i), 1_000L * i);
        }
        NeverSeenIndex restarted = new NeverSeenIndex(indexStore, 5);
        assertThat(restarted.size()).isEqualTo(4);
        UsageWriter after = new UsageWriter(usage, restarted, Duration.ZERO, n -> {});
        after.recordFailure(new TokenKey("acct", "guess-4"), 10_000_000);
        after.recordFailure(new TokenKey("acct", "guess-5"), 10_000_000);
        assertThat(usage.get(new TokenKey("acct", "guess-0")))
                .as("the oldest was evicted")
                .isNull();
        assertThat(restarted.size()).isEqualTo(5);
    }

    @Test
    void theTimeBasedExpiryRemovesIndexEntriesToo() {
        KeyValueStore<TokenKey, UsageFields> usage = Stores4Test.inMemory("usage", StateSerdes.usage());
        KeyValueStore<Bytes, byte[]> indexStore = Stores4Test.inMemoryBytes("never-seen");
        NeverSeenIndex index = new NeverSeenIndex(indexStore, 100);
        UsageWriter writer = new UsageWriter(usage, index, Duration.ZERO, n -> {});
        writer.recordFailure(new TokenKey("acct", "old"), 1_000);
        writer.recordFailure(new TokenKey("acct", "recent"), 9_000_000);
        assertThat(writer.expire(null, 5_000_000, UsageFields.NEVER, 100).expired())
                .isEqualTo(1);
        assertThat(index.size()).isEqualTo(1);
        assertThat(indexKeys(indexStore))
                .containsExactly(NeverSeenIndex.key(9_000_000, new TokenKey("acct", "recent")));
    }

    private static Set<Bytes> neverSeenKeys(KeyValueStore<TokenKey, UsageFields> usage) {
        Set<Bytes> keys = new HashSet<>();
        try (KeyValueIterator<TokenKey, UsageFields> it = usage.all()) {
            while (it.hasNext()) {
                KeyValue<TokenKey, UsageFields> kv = it.next();
                if (!kv.value.seen()) {
                    keys.add(NeverSeenIndex.key(kv.value.lastFailureAt(), kv.key));
                }
            }
        }
        return keys;
    }

    /** The index's entry keys (the count key aside: it is the only one shorter than a long). */
    private static List<Bytes> indexKeys(KeyValueStore<Bytes, byte[]> index) {
        List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = index.all()) {
            while (it.hasNext()) {
                Bytes key = it.next().key;
                if (key.get().length > Long.BYTES) {
                    keys.add(key);
                }
            }
        }
        return keys;
    }
}
