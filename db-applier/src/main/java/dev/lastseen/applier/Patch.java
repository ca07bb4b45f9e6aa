package dev.lastseen.applier;

/**
 * One validated last-seen update: the only fields the applier ever writes. There is no
 * secret field and no way to express one.
 *
 * @param lastSeenAt epoch milliseconds
 */
public record Patch(String tokenId, long lastSeenAt, String colo, String ip) {
    /** The later of two patches for the same token; on a tie the one already kept, so replays change nothing. */
    static Patch later(Patch kept, Patch other) {
        return other.lastSeenAt > kept.lastSeenAt ? other : kept;
    }
}
