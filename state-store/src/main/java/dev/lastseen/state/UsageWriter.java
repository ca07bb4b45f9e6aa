package dev.lastseen.state;

import java.time.Duration;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The login path's only way to change token state. It holds the usage store and nothing
 * else, so it can neither read nor write a registry field: a usage update is field-level by
 * construction, not by care (the first incident was a read-modify-write of the whole token).
 *
 * <p>{@code last_seen_at} is a max register: an event older than or equal to the stored value
 * leaves it, and the colo/ip that came with it, unchanged. Counts are per recorded event.
 */
public final class UsageWriter {
    private final KeyValueStore<TokenKey, UsageFields> usage;
    private final long patchGranularityMillis;

    public UsageWriter(KeyValueStore<TokenKey, UsageFields> usage, Duration patchGranularity) {
        if (patchGranularity.isNegative()) {
            throw new IllegalArgumentException("patch granularity must not be negative");
        }
        this.usage = usage;
        this.patchGranularityMillis = patchGranularity.toMillis();
    }

    /** Records a successful authentication at {@code occurredAt} (epoch millis). */
    public UsageChange recordSuccess(TokenKey key, long occurredAt, String colo, String ip) {
        UsageFields before = current(key);
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
        return new UsageChange(after, advanced, patch);
    }

    /** Records a failed authentication at {@code occurredAt}: only the failure count and time change. */
    public UsageChange recordFailure(TokenKey key, long occurredAt) {
        UsageFields before = current(key);
        UsageFields after = new UsageFields(
                before.lastSeenAt(),
                before.lastSeenColo(),
                before.lastSeenIp(),
                before.successCount(),
                before.failureCount() + 1,
                before.lastPatchedAt(),
                Math.max(before.lastFailureAt(), occurredAt));
        usage.put(key, after);
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
        java.util.List<TokenKey> expired = new java.util.ArrayList<>();
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
                    expired.add(entry.key);
                }
            }
            more = it.hasNext();
        }
        expired.forEach(usage::delete); // after the iterator is closed
        return new Sweep(expired.size(), more ? last : null);
    }

    /** The outcome of one bounded expiry pass. */
    public record Sweep(int expired, TokenKey resumeAfter) {}

    private UsageFields current(TokenKey key) {
        UsageFields stored = usage.get(key);
        return stored == null ? UsageFields.NONE : stored;
    }
}
