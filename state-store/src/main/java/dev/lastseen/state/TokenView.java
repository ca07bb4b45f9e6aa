package dev.lastseen.state;

/**
 * What interactive queries see of a token: registry metadata without any secret, and usage.
 * This type has no secret field, so no query response can carry one.
 *
 * @param metadata null when the registry does not (yet) know the token
 * @param usage    null when the token has never been seen in a login event
 */
public record TokenView(String accountId, String tokenId, Metadata metadata, Usage usage) {

    /** @param expiresAt epoch millis, or null when the token does not expire */
    public record Metadata(String name, String clientId, long createdAt, Long expiresAt) {}

    /** @param lastSeenAt epoch millis, or null when no successful use was recorded */
    public record Usage(
            Long lastSeenAt, String lastSeenColo, String lastSeenIp, long successCount, long failureCount) {}

    static TokenView of(TokenKey key, RegistryFields registry, UsageFields usage) {
        Metadata metadata = registry == null
                ? null
                : new Metadata(registry.name(), registry.clientId(), registry.createdAt(), registry.expiresAt());
        Usage use = usage == null
                ? null
                : new Usage(
                        usage.seen() ? usage.lastSeenAt() : null,
                        usage.lastSeenColo(),
                        usage.lastSeenIp(),
                        usage.successCount(),
                        usage.failureCount());
        return new TokenView(key.accountId(), key.tokenId(), metadata, use);
    }

    /** Whether the token has had no successful use at or after {@code instantMillis}. */
    public boolean unusedSince(long instantMillis) {
        return usage == null || usage.lastSeenAt() == null || usage.lastSeenAt() < instantMillis;
    }
}
