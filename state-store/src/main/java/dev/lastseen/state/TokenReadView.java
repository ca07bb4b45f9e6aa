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
     * {@code limit} whatever the account's size. At most {@code scanBudget} token ids are examined
     * per call — registered ones and ids only seen in logins alike (a flood of failed logins with
     * random token ids must not make one page scan all of them) — which bounds latency; the page
     * then ends early with a continuation point after the last id examined.
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
            KeyValue<TokenKey, RegistryFields> reg = regs.hasNext() ? regs.next() : null;
            KeyValue<TokenKey, UsageFields> use = uses.hasNext() ? uses.next() : null;
            while (reg != null || use != null) {
                if (page.size() == limit || examined == scanBudget) {
                    return new UnusedTokensPage(page, lastExamined);
                }
                // The next token id in order, from either store (ids are ASCII: String order is byte order).
                int order =
                        reg == null ? 1 : use == null ? -1 : reg.key.tokenId().compareTo(use.key.tokenId());
                examined++;
                if (order > 0) { // seen in logins only: not registered, not listed, but examined
                    lastExamined = use.key.tokenId();
                    use = uses.hasNext() ? uses.next() : null;
                    continue;
                }
                lastExamined = reg.key.tokenId();
                TokenView view = TokenView.of(reg.key, reg.value, order == 0 ? use.value : null);
                if (view.unusedSince(unusedSinceMillis)) {
                    page.add(view);
                }
                reg = regs.hasNext() ? regs.next() : null;
                if (order == 0) {
                    use = uses.hasNext() ? uses.next() : null;
                }
            }
        }
        return new UnusedTokensPage(page, null);
    }
}
