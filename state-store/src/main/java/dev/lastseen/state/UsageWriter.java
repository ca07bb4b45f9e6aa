package dev.lastseen.state;

import java.time.Duration;
import java.util.function.IntConsumer;
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
 * ({@link #expire}) and, with a {@link NeverSeenIndex}, by a cap per task: a new such
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
        if (neverSeen != null && stored != null && !stored.seen()) {
            neverSeen.removed(key, stored.lastFailureAt()); // its first success: no longer a candidate for eviction
        }
        boolean startedHolding = advanced && patch == null && !before.heldBack();
        return new UsageChange(after, advanced, patch, startedHolding);
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
                Math.max(before.lastFailureAt(), occurredAt),
                before.retiredAt());
        usage.put(key, after);
        if (neverSeen != null && !after.seen()) {
            neverSeen.failed(key, stored == null ? UsageFields.NEVER : stored.lastFailureAt(), after.lastFailureAt());
            int n = neverSeen.evictOverCap(evictedKey -> usage.put(evictedKey, null)); // a delete that reads nothing
            if (n > 0) {
                evicted.accept(n);
            }
        }
        return new UsageChange(after, false, null, false);
    }

    /**
     * The trailing patch of a token whose advance the granularity held back (see {@link TrailingPatchIndex}):
     * once the token has been quiet for the granularity — no success later than {@code now -
     * granularity} (epoch millis) — its held-back last-seen is published, and it counts as patched.
     *
     * @param lastPatchedAtWhenHeld the token's last patch when it was held back: if a regular patch
     *                              came since, that one published the hold (or a newer hold is indexed itself)
     */
    public Trailing trailingPatch(TokenKey key, long lastPatchedAtWhenHeld, long now) {
        UsageFields u = usage.get(key);
        if (u == null || !u.heldBack() || u.lastPatchedAt() != lastPatchedAtWhenHeld) {
            return new Trailing(null, TrailingPatchIndex.DONE);
        }
        long quietFrom = u.lastSeenAt() + patchGranularityMillis;
        if (quietFrom > now) {
            return new Trailing(null, quietFrom); // still in use: wait until it has been quiet long enough
        }
        usage.put(
                key,
                new UsageFields(
                        u.lastSeenAt(),
                        u.lastSeenColo(),
                        u.lastSeenIp(),
                        u.successCount(),
                        u.failureCount(),
                        u.lastSeenAt(),
                        u.lastFailureAt(),
                        u.retiredAt()));
        return new Trailing(
                new UsagePatch(key.accountId(), key.tokenId(), u.lastSeenAt(), u.lastSeenColo(), u.lastSeenIp()),
                TrailingPatchIndex.DONE);
    }

    /**
     * What {@link #trailingPatch} decided.
     *
     * @param patch   the trailing patch to publish, or null
     * @param dueAgain {@link TrailingPatchIndex#DONE}, or when to look again (the token is still in use)
     */
    public record Trailing(UsagePatch patch, long dueAgain) {}

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
                    boolean neverSeenEntry = !u.seen() && u.lastFailureAt() != UsageFields.NEVER;
                    int kind;
                    if (u.retired() && u.retiredAt() < retiredCutoff) {
                        kind = 1;
                    } else if (neverSeenEntry && u.lastFailureAt() < neverSeenCutoff) {
                        kind = 0;
                    } else {
                        return false;
                    }
                    byKind[kind]++;
                    if (neverSeen != null && neverSeenEntry) {
                        neverSeen.removed(k, u.lastFailureAt()); // it leaves the cap's index with the entry
                    }
                    return true;
                });
        return new Sweep(byKind[0], byKind[1], pass.resumeAfter());
    }

    /** The outcome of one bounded expiry pass: entries deleted by kind, and where the next pass resumes (null: start over). */
    public record Sweep(int neverSeenExpired, int retiredExpired, TokenKey resumeAfter) {
        public int expired() {
            return neverSeenExpired + retiredExpired;
        }
    }
}
