package dev.lastseen.state;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The tokens whose last-seen advanced but whose patch the granularity held back, in the order of
 * when their trailing patch falls due, so that a punctuation finds what is due with one short
 * range scan from the front instead of a walk of the usage store. It is part of the usage field
 * group: derived from usage fields only, written only by the login path.
 *
 * <p>Layout (one changelogged store per task, so a crash still emits what was held back): key
 * {@code bigEndian(dueAt ^ sign bit)} followed by the {@link TokenKey} bytes; value the token's
 * {@code lastPatchedAt} when it was held back (8 bytes), by which a due entry that a regular patch
 * overtook is recognised as stale. One extra key, {@code 0x00} (shorter than any entry key, so
 * first), holds the number of entries.
 *
 * <p>Bounded: at most {@code cap} entries; a hold past it is not indexed (the caller counts it) and
 * that token's held-back value waits for its next regular patch. Scans start after the last key a
 * completed pass reached (deleted keys stay in RocksDB as tombstones until compaction: a scan from
 * the front would walk them every time); an entry inserted before that point (the clock moved back)
 * moves the start back to it.
 */
public final class TrailingPatchIndex {
    /** What {@link #due} does with one due entry: returned by the caller's decision. */
    public static final long DONE = Long.MIN_VALUE;

    private static final Bytes COUNT_KEY = Bytes.wrap(new byte[] {0});
    private static final Bytes FIRST_ENTRY = Bytes.wrap(new byte[Long.BYTES]);

    private final KeyValueStore<Bytes, byte[]> index;
    private final long cap;
    private long count;
    /** No entry sorts before this (null: unknown, scan from the first entry). */
    private Bytes lowerBound;

    /** Decides for one due entry: {@link #DONE} to forget it, or a later due time to wait until. */
    @FunctionalInterface
    public interface Decision {
        long decide(TokenKey token, long lastPatchedAtWhenHeld);
    }

    /** The outcome of one {@link #due} pass: entries examined, and whether more were due than the budget allowed. */
    public record Pass(int examined, boolean budgetExhausted) {}

    /**
     * @param cap most entries to keep; the count is read from the store, so a restarted task
     *            continues where it stopped
     */
    public TrailingPatchIndex(KeyValueStore<Bytes, byte[]> index, long cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("the cap must be positive, was " + cap);
        }
        this.index = index;
        this.cap = cap;
        byte[] stored = index.get(COUNT_KEY);
        this.count = stored == null ? 0 : ByteBuffer.wrap(stored).getLong();
    }

    /** Entries indexed now. */
    public long size() {
        return count;
    }

    public long cap() {
        return cap;
    }

    /**
     * Remembers that {@code token}'s patch was held back; its trailing patch falls due at {@code dueAt}.
     *
     * @return false if the index is at its cap and the token was not indexed
     */
    public boolean hold(TokenKey token, long lastPatchedAt, long dueAt) {
        if (count >= cap) {
            return false;
        }
        put(key(dueAt, token), lastPatchedAt);
        count++;
        saveCount();
        return true;
    }

    /**
     * One bounded pass over the entries due at {@code now} (epoch millis), at most {@code budget},
     * in due order: each is removed, and put back at the due time {@code decision} returns unless
     * that is {@link #DONE}.
     */
    public Pass due(long now, int budget, Decision decision) {
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        boolean more;
        Bytes end = key(now + 1, null); // entries due later have this prefix or a larger one: they sort after
        Bytes start = lowerBound != null ? lowerBound : FIRST_ENTRY;
        if (start.compareTo(end) >= 0) {
            return new Pass(0, false);
        }
        try (KeyValueIterator<Bytes, byte[]> it = index.range(start, end)) {
            while (due.size() < budget && it.hasNext()) {
                due.add(it.next());
            }
            more = it.hasNext();
        }
        // Nothing before what this pass reached is left; entries due later sort after `end`.
        lowerBound = more ? successor(due.getLast().key) : end;
        long removed = 0;
        for (KeyValue<Bytes, byte[]> entry : due) {
            index.put(entry.key, null); // known to exist: delete without reading it back
            TokenKey token = token(entry.key);
            long heldLastPatchedAt = ByteBuffer.wrap(entry.value).getLong();
            long later = decision.decide(token, heldLastPatchedAt);
            if (later == DONE) {
                removed++;
            } else {
                put(key(later, token), heldLastPatchedAt);
            }
        }
        if (removed > 0) {
            count = Math.max(0, count - removed);
            saveCount();
        }
        return new Pass(due.size(), more);
    }

    private void put(Bytes key, long lastPatchedAt) {
        index.put(key, ByteBuffer.allocate(Long.BYTES).putLong(lastPatchedAt).array());
        if (lowerBound != null && key.compareTo(lowerBound) < 0) {
            lowerBound = key; // inserted behind the scan (the clock moved back): scan from it next time
        }
    }

    private void saveCount() {
        index.put(COUNT_KEY, ByteBuffer.allocate(Long.BYTES).putLong(count).array());
    }

    private static Bytes successor(Bytes key) {
        byte[] k = key.get();
        return Bytes.wrap(Arrays.copyOf(k, k.length + 1));
    }

    /** The entry key; with a null token, the smallest key of everything due at {@code dueAt} or later. */
    static Bytes key(long dueAt, TokenKey token) {
        byte[] tokenBytes = token == null ? new byte[0] : token.toBytes();
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + tokenBytes.length)
                .putLong(dueAt ^ Long.MIN_VALUE)
                .put(tokenBytes)
                .array());
    }

    static TokenKey token(Bytes key) {
        byte[] bytes = key.get();
        return TokenKey.fromBytes(Arrays.copyOfRange(bytes, Long.BYTES, bytes.length));
    }
}
