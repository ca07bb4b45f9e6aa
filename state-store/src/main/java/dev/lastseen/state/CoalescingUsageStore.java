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

/**
 * The usage store's write-behind layer, in place of Kafka Streams' record cache for this store:
 * a hot token's many updates between two commits are kept as Java objects (no key or value
 * encoding, no byte-array cache bookkeeping per event) and reach the changelogged store below
 * once, when Kafka Streams commits the task.
 *
 * <p>Why this is safe under exactly-once: Kafka Streams flushes (commits) every store of a task
 * before it flushes the task's producer and commits the transaction, so the entries written here
 * at {@link #flush} / {@link #commit} are in the changelog inside that transaction. A crash before
 * the commit aborts the transaction, and the task's state is rebuilt from the changelog as with the
 * record cache; the entries held here are simply lost with the process, like the cache's.
 *
 * <p>Readers on other threads (interactive queries) see the newest value: the value held here for
 * a token, or the store's below it. Values are immutable records replaced whole, so a reader sees
 * one update or the next, never a torn mix. Only the stream thread writes.
 *
 * <p>Bounded: at most {@code maxEntries} tokens are held; the next new token writes every pending
 * entry below and starts over (an early write is part of the same transaction, so it is only
 * earlier, never less safe).
 */
public final class CoalescingUsageStore implements KeyValueStore<TokenKey, UsageFields> {
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
        for (TokenKey key : dirty) {
            Entry e = held.get(key);
            if (e != null && e.dirty) {
                inner.put(key, e.value);
                e.dirty = false;
            }
        }
        dirty.clear();
    }

    @Override
    // Kafka Streams 4 commits stores with commit(Map); flush() is kept for any older caller.
    @SuppressWarnings("deprecation")
    public void flush() {
        writeBehind();
        inner.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        writeBehind();
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
