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
                ? new UsageFields(occurredAt, colo, ip, before.successCount() + 1, before.failureCount(), lastPatchedAt)
                : new UsageFields(before.lastSeenAt(), before.lastSeenColo(), before.lastSeenIp(),
                        before.successCount() + 1, before.failureCount(), lastPatchedAt);
        usage.put(key, after);
        return new UsageChange(after, advanced, patch);
    }

    /** Records a failed authentication: only the failure count changes. */
    public UsageChange recordFailure(TokenKey key) {
        UsageFields before = current(key);
        UsageFields after = new UsageFields(before.lastSeenAt(), before.lastSeenColo(), before.lastSeenIp(),
                before.successCount(), before.failureCount() + 1, before.lastPatchedAt());
        usage.put(key, after);
        return new UsageChange(after, false, null);
    }

    private UsageFields current(TokenKey key) {
        UsageFields stored = usage.get(key);
        return stored == null ? UsageFields.NONE : stored;
    }
}
