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
                        before.lastFailureAt(),
                        before.retiredAt())
                : new UsageFields(
                        before.lastSeenAt(),
                        before.lastSeenColo(),
                        before.lastSeenIp(),
                        before.successCount() + 1,
                        before.failureCount(),
                        lastPatchedAt,
                        before.lastFailureAt(),
                        before.retiredAt());
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
                Math.max(before.lastFailureAt(), occurredAt),
                before.retiredAt());
        usage.put(key, after);
        return new UsageChange(after, false, null);
    }

    /**
     * Marks the token's usage here as retired at {@code at} (epoch millis): the registry deleted the
     * token or moved it to another account. The entry stays readable and keeps counting logins
     * until the retired-retention expiry deletes it ({@link #expire}); nothing is created for a token
     * without usage.
     */
    public void retire(TokenKey key, long at) {
        UsageFields stored = usage.get(key);
        if (stored != null && !stored.retired()) {
            usage.put(key, stored.withRetiredAt(at));
        }
    }

    /** The registry (re-)registered the token for this account: a pending retirement is cancelled. */
    public void restore(TokenKey key) {
        UsageFields stored = usage.get(key);
        if (stored != null && stored.retired()) {
            usage.put(key, stored.withRetiredAt(UsageFields.NEVER));
        }
    }

    /**
     * One bounded expiry pass (at most {@code budget} entries from {@code resumeAfter}, exclusive;
     * null = from the start). Deletes two kinds of entries that would otherwise grow the store
     * forever: usage of token ids that never recorded a success and whose last failure is before
     * {@code neverSeenCutoff} (typos, guessing, unknown ids: they arrive at an attacker's rate), and
     * usage of tokens the registry deleted or moved away before {@code retiredCutoff}. A registered
     * token that ever succeeded is never expired. Cutoffs are epoch millis; {@link UsageFields#NEVER}
     * disables that kind.
     */
    public Sweep expire(TokenKey resumeAfter, long neverSeenCutoff, long retiredCutoff, int budget) {
        int[] byKind = new int[2]; // never seen, retired
        BoundedSweep.Pass<TokenKey> pass = BoundedSweep.run(
                usage, resumeAfter, k -> TokenKey.rangeStart(k.accountId(), k.tokenId()), budget, (k, u) -> {
                    if (u.retired() && u.retiredAt() < retiredCutoff) {
                        byKind[1]++;
                        return true;
                    }
                    if (!u.seen() && u.lastFailureAt() != UsageFields.NEVER && u.lastFailureAt() < neverSeenCutoff) {
                        byKind[0]++;
                        return true;
                    }
                    return false;
                });
        return new Sweep(byKind[0], byKind[1], pass.resumeAfter());
    }

    /** The outcome of one bounded expiry pass: entries deleted by kind, and where the next pass resumes (null: start over). */
    public record Sweep(int neverSeenExpired, int retiredExpired, TokenKey resumeAfter) {
        public int expired() {
            return neverSeenExpired + retiredExpired;
        }
    }

    private UsageFields current(TokenKey key) {
        UsageFields stored = usage.get(key);
        return stored == null ? UsageFields.NONE : stored;
    }
}
