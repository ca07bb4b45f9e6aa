package dev.lastseen.state;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The usage entries of token ids that never authenticated successfully, in the order of their
 * last failure, so that "evict the oldest" is one short range scan instead of a walk of the usage
 * store. It is the hard bound on what a flood of failed logins with random token ids can grow:
 * at most {@code cap} such entries per task; each new one past the cap evicts the oldest (by last
 * failure) from the usage store. It is part of the usage field group: it is derived from usage
 * fields only and written only by the login path.
 *
 * <p>Layout (one changelogged store per task): key {@code bigEndian(bucket ^ sign bit)} followed
 * by the {@link TokenKey} bytes, empty value, where {@code bucket} is the last failure rounded
 * down to {@value #BUCKET_MILLIS} ms; byte order is then last-failure order. One extra key,
 * {@code 0x00} (shorter than any entry key, so first), holds the number of entries.
 *
 * <p>Cost: a token id's repeated failures within one bucket cost nothing here; a new never-seen
 * id costs one write and a count update; the first success of a never-seen id one delete. The
 * success path of a token that has succeeded before does not touch the index. Eviction runs in
 * batches of up to {@value #EVICTION_BATCH}, so one range scan serves that many new ids, and it
 * starts after the last evicted key rather than walking the deleted entries before it (deleted
 * keys stay in RocksDB as tombstones until compaction: a scan from the front would skip them all,
 * a queue's classic trap). An entry older than what eviction has reached — a very late event — is
 * remembered in memory (up to {@value #MAX_BEHIND_FRONTIER}) and evicted first, for the same
 * reason, instead of moving the scan back over the tombstones.
 */
public final class NeverSeenIndex {
    /** Entries are ordered by last failure to this precision: "oldest" is exact to within a minute. */
    public static final long BUCKET_MILLIS = 60_000;
    /** Entries evicted by one range scan once the count is over the cap. */
    public static final int EVICTION_BATCH = 256;
    /** Live entries older than the eviction frontier kept in memory before the frontier moves back to them. */
    static final int MAX_BEHIND_FRONTIER = 4096;

    private static final Bytes COUNT_KEY = Bytes.wrap(new byte[] {0});
    private static final Bytes FIRST_ENTRY = Bytes.wrap(new byte[Long.BYTES]);
    private static final byte[] PRESENT = new byte[0];

    private final KeyValueStore<Bytes, byte[]> index;
    private final long cap;
    /** How far below the cap one eviction goes, so that one range scan serves several new ids. */
    private final long slack;

    private long count;
    /** No live entry sorts before this but those in {@link #behind} (null: unknown, scan from the first entry). */
    private Bytes lowerBound;
    /** Live entries inserted before {@link #lowerBound} since it was set: evicted first, without a scan. */
    private final TreeSet<Bytes> behind = new TreeSet<>();

    /**
     * @param cap most never-seen entries to keep; the count is read from the store, so a restarted
     *            task continues where it stopped
     */
    public NeverSeenIndex(KeyValueStore<Bytes, byte[]> index, long cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("the cap must be positive, was " + cap);
        }
        this.index = index;
        this.cap = cap;
        this.slack = Math.min(EVICTION_BATCH - 1, cap / 32);
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
     * A never-seen entry failed (again): its last failure is now {@code lastFailureAt}.
     *
     * @param previousFailureAt its last failure before, or {@link UsageFields#NEVER} for a new entry
     */
    void failed(TokenKey token, long previousFailureAt, long lastFailureAt) {
        Bytes now = key(lastFailureAt, token);
        if (previousFailureAt != UsageFields.NEVER) {
            Bytes before = key(previousFailureAt, token);
            if (before.equals(now)) {
                return; // same bucket: nothing moves
            }
            behind.remove(before);
            if (index.delete(before) != null) {
                count--; // moved, so it is added back below
            }
        }
        index.put(now, PRESENT);
        count++;
        if (lowerBound != null && now.compareTo(lowerBound) < 0) {
            behind.add(now);
            if (behind.size() > MAX_BEHIND_FRONTIER) {
                lowerBound = behind.first(); // many very late entries: scan from them after all
                behind.clear();
            }
        }
        saveCount();
    }

    /** A never-seen entry left the set: it succeeded for the first time, or was deleted. */
    void removed(TokenKey token, long lastFailureAt) {
        Bytes key = key(lastFailureAt, token);
        behind.remove(key);
        if (index.delete(key) != null) {
            count--;
            saveCount();
        }
    }

    /**
     * While over the cap, evicts the oldest entries (by last failure) in one batch, down to
     * {@code min(}{@value #EVICTION_BATCH}{@code  - 1, cap / 32)} below the cap; hands each evicted
     * token to {@code evict}, which must delete its usage entry.
     *
     * @return how many were evicted
     */
    int evictOverCap(Consumer<TokenKey> evict) {
        if (count <= cap) {
            return 0;
        }
        long wanted = Math.min(count, count - cap + slack);
        List<Bytes> oldest = new ArrayList<>();
        while (oldest.size() < wanted && !behind.isEmpty()) {
            oldest.add(behind.pollFirst()); // older than anything the scan can reach
        }
        boolean exhausted = false;
        if (oldest.size() < wanted) {
            Bytes last = null;
            try (KeyValueIterator<Bytes, byte[]> it =
                    index.range(lowerBound != null ? lowerBound : FIRST_ENTRY, null)) {
                while (oldest.size() < wanted && it.hasNext()) {
                    KeyValue<Bytes, byte[]> entry = it.next();
                    oldest.add(entry.key);
                    last = entry.key;
                }
                exhausted = !it.hasNext();
            }
            if (last != null) {
                lowerBound = successor(last);
            }
        }
        for (Bytes key : oldest) {
            index.put(key, null); // known to exist: delete without reading it back
            evict.accept(token(key));
        }
        // The count is exact; should it ever disagree with the entries, reaching the end corrects it.
        count = exhausted ? 0 : count - oldest.size();
        saveCount();
        return oldest.size();
    }

    private void saveCount() {
        index.put(COUNT_KEY, ByteBuffer.allocate(Long.BYTES).putLong(count).array());
    }

    /** The smallest key after {@code key} in byte order. */
    private static Bytes successor(Bytes key) {
        byte[] k = key.get();
        return Bytes.wrap(Arrays.copyOf(k, k.length + 1));
    }

    static Bytes key(long lastFailureAt, TokenKey token) {
        long bucket = Math.floorDiv(lastFailureAt, BUCKET_MILLIS) * BUCKET_MILLIS;
        byte[] tokenBytes = token.toBytes();
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + tokenBytes.length)
                .putLong(bucket ^ Long.MIN_VALUE)
                .put(tokenBytes)
                .array());
    }

    static TokenKey token(Bytes key) {
        byte[] bytes = key.get();
        return TokenKey.fromBytes(Arrays.copyOfRange(bytes, Long.BYTES, bytes.length));
    }
}
