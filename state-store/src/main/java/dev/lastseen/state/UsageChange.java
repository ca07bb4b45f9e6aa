package dev.lastseen.state;

/**
 * What recording one login did to a token's usage group.
 *
 * @param lastSeenAdvanced whether last_seen_at moved forward
 * @param patch            the patch to publish, or null when the advance is below the granularity
 * @param startedHolding   whether this advance was held back by the granularity while nothing was held
 *                         back before: the token now waits for a trailing patch ({@link TrailingPatchIndex})
 */
public record UsageChange(UsageFields after, boolean lastSeenAdvanced, UsagePatch patch, boolean startedHolding) {}
