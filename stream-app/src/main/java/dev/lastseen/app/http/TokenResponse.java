package dev.lastseen.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * {@code GET /v1/accounts/{account_id}/tokens/{token_id}}.
 *
 * @param stale true when read from a standby because the owner was unavailable
 * @param lag   changelog records the standby is behind (only when stale and known)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TokenResponse(
        TokenJson token,
        @JsonInclude(JsonInclude.Include.NON_NULL) String servedBy,
        boolean stale,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long lag) {}
