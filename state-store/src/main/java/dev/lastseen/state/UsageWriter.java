package dev.lastseen.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The login path's only way to change token state. It holds the usage store and nothing
 * else, so it can neither read nor write a registry field: a usage update is field-level by
 * construction, not by care (the first incident was a read-modify-write of the whole token).
 *
 * <p>{@code last_seen_at} is a max register: an event older than or equal to the stored value
 * leaves it, and the colo/ip that came with it, unchanged. Counts are per recorded event.
 *
 * <p>Entries of token ids that never succeeded are bounded twice: by the time-based expiry
 * ({@link #expireNeverSeen}) and, with a {@link NeverSeenIndex}, by a cap per task: a new such
 * entry past the cap evicts the one with the oldest last failure.
 */
public final class UsageWriter {
    private final KeyValueStore<TokenKey, UsageFields> usage;
    private final NeverSeenIndex neverSeen; // null: no cap
    private final IntConsumer evicted;
    private final long patchGranularityMillis;

    /** A writer without the never-seen cap (the time-based expiry still applies): tests and benchmarks of the bare path. */
    public UsageWriter(KeyValueStore<TokenKey, UsageFields> usage, Duration patchGranularity) {
        this(usage, null, patchGranularity, n -> {});
    }

    /**
     * @param neverSeen the index of never-successful entries that enforces the cap
     * @param evicted   told how many entries each eviction removed (for a counter)
     */
    public UsageWriter(
            KeyValueStore<TokenKey, UsageFields> usage,
            NeverSeenIndex neverSeen,
            Duration patchGranularity,
            IntConsumer evicted) {
        if (patchGranularity.isNegative()) {
            throw new IllegalArgumentException("patch granularity must not be negative");
        }
        this.usage = usage;
        this.neverSeen = neverSeen;
        this.evicted = evicted;
        this.patchGranularityMillis = patchGranularity.toMillis();
    }

    /** Records a successful authentication at {@code occurredAt} (epoch millis). */
    public UsageChange recordSuccess(TokenKey key, long occurredAt, String colo, String ip) {
        UsageFields stored = usage.get(key);
        UsageFields before = stored == null ? UsageFields.NONE : stored;
        boolean advanced = occurredAt > before.lastSeenAt();
        UsagePatch patch = null;
        long lastPatchedAt = before.lastPatchedAt();
        if (advanced && (lastPatchedAt == UsageFields.NEVER || occurredAt - lastPatchedAt >= patchGranularityMillis)) {
            patch = new UsagePatch(key.accountId(), key.tokenId(), occurredAt, colo, ip);
            lastPatchedAt = occurredAt;
        }
        UsageFields after = advanced
                ? new UsageFields(
                        occurredAt,
                        colo,
                        ip,
                        before.successCount() + 1,
                        before.failureCount(),
                        lastPatchedAt,
                        before.lastFailureAt())
                : new UsageFields(
                        before.lastSeenAt(),
                        before.lastSeenColo(),
                        before.lastSeenIp(),
                        before.successCount() + 1,
                        before.failureCount(),
                        lastPatchedAt,
                        before.lastFailureAt());
        usage.put(key, after);
        if (neverSeen != null && stored != null && !stored.seen()) {
            neverSeen.removed(key, stored.lastFailureAt()); // its first success: no longer a candidate for eviction
        }
        return new UsageChange(after, advanced, patch);
    }

    /** Records a failed authentication at {@code occurredAt}: only the failure count and time change. */
    public UsageChange recordFailure(TokenKey key, long occurredAt) {
        UsageFields stored = usage.get(key);
        UsageFields before = stored == null ? UsageFields.NONE : stored;
        UsageFields after = new UsageFields(
                before.lastSeenAt(),
                before.lastSeenColo(),
                before.lastSeenIp(),
                before.successCount(),
                before.failureCount() + 1,
                before.lastPatchedAt(),
                Math.max(before.lastFailureAt(), occurredAt));
        usage.put(key, after);
        if (neverSeen != null && !after.seen()) {
            neverSeen.failed(key, stored == null ? UsageFields.NEVER : stored.lastFailureAt(), after.lastFailureAt());
            int n = neverSeen.evictOverCap(evictedKey -> usage.put(evictedKey, null)); // a delete that reads nothing
            if (n > 0) {
                evicted.accept(n);
            }
        }
        return new UsageChange(after, false, null);
    }

    /**
     * Deletes usage entries that never recorded a success and whose last failure is before
     * {@code cutoff} (epoch millis): failures for token ids nobody ever used successfully (typos,
     * guessing, deleted tokens) would otherwise grow the store at the rate they arrive. A token
     * that ever succeeded is never expired. Examines at most {@code budget} entries in key order
     * from {@code resumeAfter} (exclusive; null = from the start), so one call is bounded.
     *
     * @return where the next call resumes, or null when the end of the store was reached
     */
    public Sweep expireNeverSeen(TokenKey resumeAfter, long cutoff, int budget) {
        List<KeyValue<TokenKey, UsageFields>> expired = new ArrayList<>();
        TokenKey last = null;
        int examined = 0;
        boolean more;
        try (var it = resumeAfter == null
                ? usage.all()
                : usage.range(TokenKey.rangeStart(resumeAfter.accountId(), resumeAfter.tokenId()), null)) {
            while (examined < budget && it.hasNext()) {
                var entry = it.next();
                examined++;
                last = entry.key;
                UsageFields u = entry.value;
                if (!u.seen() && u.lastFailureAt() != UsageFields.NEVER && u.lastFailureAt() < cutoff) {
                    expired.add(entry);
                }
            }
            more = it.hasNext();
        }
        for (var entry : expired) { // after the iterator is closed
            usage.delete(entry.key);
            if (neverSeen != null) {
                neverSeen.removed(entry.key, entry.value.lastFailureAt());
            }
        }
        return new Sweep(expired.size(), more ? last : null);
    }

    /** The outcome of one bounded expiry pass. */
    public record Sweep(int expired, TokenKey resumeAfter) {}
}
