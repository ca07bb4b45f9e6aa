package dev.lastseen.state;

/**
 * What recording one login did to a token's usage group.
 *
 * @param lastSeenAdvanced whether last_seen_at moved forward
 * @param patch            the patch to publish, or null when the advance is below the granularity
 */
public record UsageChange(UsageFields after, boolean lastSeenAdvanced, UsagePatch patch) {}
