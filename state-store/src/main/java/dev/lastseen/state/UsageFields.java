package dev.lastseen.state;

/**
 * The usage field group of one token. Only the login path constructs or stores these, and
 * building one needs nothing from the registry group.
 *
 * @param lastSeenAt    max successful occurred_at in epoch millis, or {@link #NEVER}
 * @param lastPatchedAt last_seen_at of the last emitted TokenLastSeen patch, or {@link #NEVER}
 * @param lastFailureAt max occurred_at of a failed authentication, or {@link #NEVER}; lets entries
 *                      that never succeeded expire (see {@link UsageWriter#expire})
 * @param retiredAt     when the registry deleted the token or moved it to another account (epoch
 *                      millis), or {@link #NEVER} while it is registered here (or was never known);
 *                      the entry expires a retention after it
 */
public record UsageFields(
        long lastSeenAt,
        String lastSeenColo,
        String lastSeenIp,
        long successCount,
        long failureCount,
        long lastPatchedAt,
        long lastFailureAt,
        long retiredAt) {
    public static final long NEVER = Long.MIN_VALUE;
    public static final UsageFields NONE = new UsageFields(NEVER, null, null, 0, 0, NEVER, NEVER, NEVER);

    /** Usage of a token that is not retired. */
    public UsageFields(
            long lastSeenAt,
            String lastSeenColo,
            String lastSeenIp,
            long successCount,
            long failureCount,
            long lastPatchedAt,
            long lastFailureAt) {
        this(lastSeenAt, lastSeenColo, lastSeenIp, successCount, failureCount, lastPatchedAt, lastFailureAt, NEVER);
    }

    /** Usage with no failure time recorded (layout v1, and tests). */
    public UsageFields(
            long lastSeenAt,
            String lastSeenColo,
            String lastSeenIp,
            long successCount,
            long failureCount,
            long lastPatchedAt) {
        this(lastSeenAt, lastSeenColo, lastSeenIp, successCount, failureCount, lastPatchedAt, NEVER, NEVER);
    }

    public boolean seen() {
        return lastSeenAt != NEVER;
    }

    /** Whether last-seen advanced past the last patch: the granularity held the newer value back. */
    public boolean heldBack() {
        return lastPatchedAt != NEVER && lastSeenAt > lastPatchedAt;
    }

    public boolean retired() {
        return retiredAt != NEVER;
    }

    UsageFields withRetiredAt(long at) {
        return new UsageFields(
                lastSeenAt, lastSeenColo, lastSeenIp, successCount, failureCount, lastPatchedAt, lastFailureAt, at);
    }
}
