package dev.lastseen.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The read side of token state, over one partition's stores. It is the only reader of the
 * registry group outside the registry path, and it hands out {@link TokenView}s, which
 * cannot hold a secret.
 */
public final class TokenReadView {
    private final ReadOnlyKeyValueStore<TokenKey, RegistryFields> registry;
    private final ReadOnlyKeyValueStore<TokenKey, UsageFields> usage;

    public TokenReadView(
            ReadOnlyKeyValueStore<TokenKey, RegistryFields> registry,
            ReadOnlyKeyValueStore<TokenKey, UsageFields> usage) {
        this.registry = registry;
        this.usage = usage;
    }

    /** The token as far as this partition knows it; empty when neither group has it. */
    public Optional<TokenView> get(String accountId, String tokenId) {
        TokenKey key = new TokenKey(accountId, tokenId);
        RegistryFields r = registry.get(key);
        UsageFields u = usage.get(key);
        return r == null && u == null ? Optional.empty() : Optional.of(TokenView.of(key, r, u));
    }

    /**
     * The account's registered tokens (in token id order, after {@code afterTokenId}) with no
     * successful use at or after {@code unusedSinceMillis}, never-used ones included.
     *
     * <p>Streams over both stores in key order (a merge join), so memory is bounded by
     * {@code limit} whatever the account's size. At most {@code scanBudget} registry entries are
     * examined per call, which bounds latency when most tokens are in use; the page then ends
     * early with a continuation point.
     */
    public UnusedTokensPage unusedSince(
            String accountId, long unusedSinceMillis, String afterTokenId, int limit, int scanBudget) {
        if (limit < 1 || scanBudget < 1) {
            throw new IllegalArgumentException("limit and scanBudget must be positive");
        }
        TokenKey from = TokenKey.rangeStart(accountId, afterTokenId);
        TokenKey to = TokenKey.rangeEnd(accountId);
        List<TokenView> page = new ArrayList<>(Math.min(limit, 1024));
        String lastExamined = null;
        int examined = 0;
        try (KeyValueIterator<TokenKey, RegistryFields> regs = registry.range(from, to);
                KeyValueIterator<TokenKey, UsageFields> uses = usage.range(from, to)) {
            KeyValue<TokenKey, UsageFields> pendingUse = uses.hasNext() ? uses.next() : null;
            while (regs.hasNext()) {
                if (page.size() == limit || examined == scanBudget) {
                    return new UnusedTokensPage(page, lastExamined);
                }
                KeyValue<TokenKey, RegistryFields> reg = regs.next();
                examined++;
                lastExamined = reg.key.tokenId();
                // Advance the usage cursor to this token (usage-only tokens are not registered: skip them).
                while (pendingUse != null && pendingUse.key.tokenId().compareTo(reg.key.tokenId()) < 0) {
                    pendingUse = uses.hasNext() ? uses.next() : null;
                }
                UsageFields use = pendingUse != null && pendingUse.key.tokenId().equals(reg.key.tokenId())
                        ? pendingUse.value
                        : null;
                TokenView view = TokenView.of(reg.key, reg.value, use);
                if (view.unusedSince(unusedSinceMillis)) {
                    page.add(view);
                }
            }
        }
        return new UnusedTokensPage(page, null);
    }
}
