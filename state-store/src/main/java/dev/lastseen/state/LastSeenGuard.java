package dev.lastseen.state;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps {@code token-last-seen} monotonic per token across accounts. Usage is stored per
 * (account, token), and each usage entry only patches forward; but a token the registry moves to
 * another account starts with empty usage there, so its first success in the new account — an
 * event that happened before the last patch from the old account, arriving late — would patch
 * an older {@code last_seen_at}. All of a token's patches pass through one guard (they are
 * repartitioned by token id), which lets through only those that advance.
 *
 * <p>Bounded: an entry is forgotten once its last patch is older than the retention (see
 * {@link #expire}); only an event that arrives later than that could then move the topic back.
 */
public final class LastSeenGuard {
    private final KeyValueStore<String, Long> lastEmitted;

    public LastSeenGuard(KeyValueStore<String, Long> lastEmitted) {
        this.lastEmitted = lastEmitted;
    }

    /** Whether a patch of {@code lastSeenAt} advances the token; if so it is remembered as the last one emitted. */
    public boolean advance(String tokenId, long lastSeenAt) {
        Long previous = lastEmitted.get(tokenId);
        if (previous != null && lastSeenAt <= previous) {
            return false;
        }
        lastEmitted.put(tokenId, lastSeenAt);
        return true;
    }

    /** One bounded pass forgetting tokens whose last patch is before {@code cutoff} (epoch millis). */
    public BoundedSweep.Pass<String> expire(String resumeAfter, long cutoff, int budget) {
        return BoundedSweep.run(lastEmitted, resumeAfter, k -> k + '\u0000', budget, (k, at) -> at < cutoff);
    }
}
