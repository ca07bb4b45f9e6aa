package dev.lastseen.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * {@code GET /v1/accounts/{account_id}/tokens}: one page, in token id order.
 *
 * @param nextPageToken opaque continuation, null on the last page
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TokenListResponse(
        List<TokenJson> tokens,
        String nextPageToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) String servedBy,
        boolean stale,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long lag) {
    public TokenListResponse {
        tokens = List.copyOf(tokens);
    }
}
