package dev.lastseen.state;

import java.util.List;

/**
 * One page of an account's registered tokens not used since an instant.
 *
 * @param nextAfterTokenId where the next page starts (exclusive), or null when the listing is complete
 */
public record UnusedTokensPage(List<TokenView> tokens, String nextAfterTokenId) {
    public UnusedTokensPage {
        tokens = List.copyOf(tokens);
    }
}
