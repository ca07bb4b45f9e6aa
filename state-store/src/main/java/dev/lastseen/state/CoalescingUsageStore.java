package dev.lastseen.state;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The usage store's write-behind layer, in place of Kafka Streams' record cache for this store:
 * a hot token's many updates between two commits are kept as Java objects (no key or value
 * encoding, no byte-array cache bookkeeping per event) and reach the changelogged store below
 * once per commit.
 *
 * <p>Why this is safe under exactly-once: it writes its entries below where Kafka Streams flushes
 * its own record cache, inside the task commit and before the transaction commits. In Kafka
 * Streams 4.4 a task commit runs {@code StreamTask.prepareCommit} → {@code
 * ProcessorStateManager.flushCache()}, which calls {@link CachedStateStore#flushCache()} on every
 * registered store that is one (this store registers itself: it is the root its stores below are
 * initialised with), then flushes the task's producer, then sends the input offsets in the same
 * transaction and commits it. {@link #commit(Map)} (KIP-892's store commit) is called only after
 * that, from {@code postCommit}, so a write there would land in the next transaction: this layer
 * does not write there. A crash before the transaction commits aborts it, and the task's state is
 * rebuilt from the changelog as with the record cache; the entries held here are lost with the
 * process, like the cache's. {@code UsageChangelogCommitTest} (stream-app) holds Kafka Streams to that
 * order, so an upgrade that moves it fails the build.
 *
 * <p>Readers on other threads (interactive queries) see the newest value: the value held here for
 * a token, or the store's below it. Values are immutable records replaced whole, so a reader sees
 * one update or the next, never a torn mix. Only the stream thread writes.
 *
 * <p>Bounded: at most {@code maxEntries} tokens are held; the next new token writes every pending
 * entry below and starts over (an early write is part of the same transaction, so it is only
 * earlier, never less safe).
 */
public final class CoalescingUsageStore
        implements KeyValueStore<TokenKey, UsageFields>, CachedStateStore<TokenKey, UsageFields> {
    /** The order of the encoded keys below ({@link TokenKey#toBytes}: ASCII ids, account first). */
    static final Comparator<TokenKey> KEY_ORDER =
            Comparator.comparing(TokenKey::accountId).thenComparing(TokenKey::tokenId);

    private final KeyValueStore<TokenKey, UsageFields> inner;
    private final int maxEntries;
    private final ConcurrentHashMap<TokenKey, Entry> held = new ConcurrentHashMap<>();
    /** The same entries in key order, for range reads that walk only their range (an update changes neither map). */
    private final ConcurrentSkipListMap<TokenKey, Entry> ordered = new ConcurrentSkipListMap<>(KEY_ORDER);

    private final List<TokenKey> dirty = new ArrayList<>();

    /** One held token: its newest value and whether the store below has it yet. */
    private static final class Entry {
        volatile UsageFields value; // read by query threads
        boolean dirty; // stream thread only

        Entry(UsageFields value) {
            this.value = value;
        }
    }

    public CoalescingUsageStore(KeyValueStore<TokenKey, UsageFields> inner, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive, was " + maxEntries);
        }
        this.inner = inner;
        this.maxEntries = maxEntries;
    }

    @Override
    public UsageFields get(TokenKey key) {
        Entry e = held.get(key);
        return e != null ? e.value : inner.get(key);
    }

    @Override
    public void put(TokenKey key, UsageFields value) {
        if (value == null) { // a delete that reads nothing back (the never-seen cap's eviction)
            held.remove(key);
            ordered.remove(key);
            inner.put(key, null);
            return;
        }
        Entry e = held.get(key);
        if (e == null) {
            if (held.size() >= maxEntries) {
                writeBehind();
                clearHeld(); // every entry is below now: readers that miss here find it there
            }
            e = new Entry(value);
            held.put(key, e);
            ordered.put(key, e);
        } else {
            e.value = value;
        }
        if (!e.dirty) {
            e.dirty = true;
            dirty.add(key);
        }
    }

    @Override
    public UsageFields putIfAbsent(TokenKey key, UsageFields value) {
        UsageFields existing = get(key);
        if (existing == null) {
            put(key, value);
        }
        return existing;
    }

    @Override
    public void putAll(List<KeyValue<TokenKey, UsageFields>> entries) {
        entries.forEach(kv -> put(kv.key, kv.value));
    }

    @Override
    public UsageFields delete(TokenKey key) {
        Entry e = held.remove(key); // a pending write for it is dropped: the delete supersedes it
        ordered.remove(key);
        UsageFields below = inner.delete(key);
        return e != null ? e.value : below;
    }

    /** Writes every pending entry to the store below (stream thread). */
    private void writeBehind() {
        try {
            for (TokenKey key : dirty) {
                Entry e = held.get(key);
                if (e != null && e.dirty) {
                    inner.put(key, e.value);
                    e.dirty = false;
                }
            }
        } catch (RuntimeException e) {
            // A store that cannot write fails the task and aborts its transaction: what is held belongs to
            // that transaction, so reads must not see it while the record waits to be processed again.
            clearCache();
            throw e;
        }
        dirty.clear();
    }

    /**
     * Inside the task commit, before the transaction commits: every pending entry goes below, so
     * its changelog record is in the transaction that commits the offsets of its input.
     */
    @Override
    public void flushCache() {
        writeBehind();
    }

    /** A task recycled or closed dirty: what is held belongs to an aborted transaction. */
    @Override
    public void clearCache() {
        clearHeld();
        dirty.clear();
    }

    /** Nothing is forwarded downstream on a flush (the record cache's listener is for DSL tables). */
    @Override
    public boolean setFlushListener(CacheFlushListener<TokenKey, UsageFields> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    @SuppressWarnings("deprecation") // kept for any caller of the old API: the same as the in-commit flush
    public void flush() {
        writeBehind();
        inner.flush();
    }

    /**
     * After the transaction has committed (KIP-892's store commit, from {@code postCommit}): the
     * pending entries were written in {@link #flushCache()}; writing any here would put them in the
     * next transaction, so this only passes the commit down.
     */
    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        inner.commit(changelogOffsets);
    }

    @Override
    public KeyValueIterator<TokenKey, UsageFields> range(TokenKey from, TokenKey to) {
        return merged(inner.range(from, to), from, to);
    }

    @Override
    public KeyValueIterator<TokenKey, UsageFields> all() {
        return merged(inner.all(), null, null);
    }

    /** The held entries within [from, to] (null: unbounded) merged into the store's own iterator, in key order. */
    private KeyValueIterator<TokenKey, UsageFields> merged(
            KeyValueIterator<TokenKey, UsageFields> below, TokenKey from, TokenKey to) {
        NavigableMap<TokenKey, Entry> mine = ordered;
        if (from != null) {
            mine = mine.tailMap(from, true);
        }
        if (to != null) {
            mine = mine.headMap(to, true);
        }
        return new MergedIterator(mine.entrySet().iterator(), below);
    }

    private void clearHeld() {
        held.clear();
        ordered.clear();
    }

    @Override
    public long approximateNumEntries() {
        return inner.approximateNumEntries();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        clearHeld();
        dirty.clear();
        inner.init(context, root);
    }

    @Override
    public void close() {
        // Entries not written by a commit belong to an uncommitted transaction: dropped like the record cache's.
        clearHeld();
        dirty.clear();
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    @SuppressWarnings("deprecation") // delegated as is: the store below decides how offsets are kept
    public boolean managesOffsets() {
        return inner.managesOffsets();
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return inner.committedOffset(partition);
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }

    /** Two key-ordered iterators as one; on equal keys the held (newer) value wins. */
    private static final class MergedIterator implements KeyValueIterator<TokenKey, UsageFields> {
        private final Iterator<Map.Entry<TokenKey, Entry>> mine;
        private final KeyValueIterator<TokenKey, UsageFields> below;
        private KeyValue<TokenKey, UsageFields> nextMine;

        MergedIterator(Iterator<Map.Entry<TokenKey, Entry>> mine, KeyValueIterator<TokenKey, UsageFields> below) {
            this.mine = mine;
            this.below = below;
            this.nextMine = advanceMine();
        }

        private KeyValue<TokenKey, UsageFields> advanceMine() {
            if (!mine.hasNext()) {
                return null;
            }
            Map.Entry<TokenKey, Entry> e = mine.next();
            return KeyValue.pair(e.getKey(), e.getValue().value);
        }

        @Override
        public boolean hasNext() {
            return nextMine != null || below.hasNext();
        }

        @Override
        public KeyValue<TokenKey, UsageFields> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            if (nextMine == null) {
                return below.next();
            }
            if (!below.hasNext()) {
                return takeMine();
            }
            int c = KEY_ORDER.compare(nextMine.key, below.peekNextKey());
            if (c < 0) {
                return takeMine();
            }
            if (c == 0) {
                below.next(); // the same token: the held value is the newer one
                return takeMine();
            }
            return below.next();
        }

        private KeyValue<TokenKey, UsageFields> takeMine() {
            KeyValue<TokenKey, UsageFields> out = nextMine;
            nextMine = advanceMine();
            return out;
        }

        @Override
        public TokenKey peekNextKey() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            if (nextMine == null) {
                return below.peekNextKey();
            }
            if (!below.hasNext()) {
                return nextMine.key;
            }
            return KEY_ORDER.compare(nextMine.key, below.peekNextKey()) <= 0 ? nextMine.key : below.peekNextKey();
        }

        @Override
        public void close() {
            below.close();
        }
    }
}
