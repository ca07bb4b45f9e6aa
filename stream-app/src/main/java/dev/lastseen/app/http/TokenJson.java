package dev.lastseen.app.http;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.lastseen.state.TokenView;
import java.time.Instant;

/**
 * A token as the API shows it: registry metadata (null while the registry does not know the
 * token) and usage (null while it has never been seen). Built from {@link TokenView}, which
 * has no secret field, so neither has this.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TokenJson(String accountId, String tokenId, Metadata metadata, Usage usage) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Metadata(String name, String clientId, Instant createdAt, Instant expiresAt) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Usage(
            Instant lastSeenAt, String lastSeenColo, String lastSeenIp, long successCount, long failureCount) {}

    public static TokenJson of(TokenView v) {
        Metadata metadata = v.metadata() == null
                ? null
                : new Metadata(
                        v.metadata().name(),
                        v.metadata().clientId(),
                        Instant.ofEpochMilli(v.metadata().createdAt()),
                        v.metadata().expiresAt() == null
                                ? null
                                : Instant.ofEpochMilli(v.metadata().expiresAt()));
        Usage usage = v.usage() == null
                ? null
                : new Usage(
                        v.usage().lastSeenAt() == null
                                ? null
                                : Instant.ofEpochMilli(v.usage().lastSeenAt()),
                        v.usage().lastSeenColo(),
                        v.usage().lastSeenIp(),
                        v.usage().successCount(),
                        v.usage().failureCount());
        return new TokenJson(v.accountId(), v.tokenId(), metadata, usage);
    }
}
