package dev.lastseen.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class TokenReadViewTest {
    private final KeyValueStore<TokenKey, RegistryFields> registry =
            Stores4Test.inMemory("registry", StateSerdes.registry());
    private final KeyValueStore<TokenKey, UsageFields> usage = Stores4Test.inMemory("usage", StateSerdes.usage());
    private final TokenReadView view = new TokenReadView(registry, usage);

    private void register(String account, String token) {
        registry.put(new TokenKey(account, token), new RegistryFields("n-" + token, "c-" + token, 1, null));
    }

    private void use(String account, String token, long at) {
        usage.put(new TokenKey(account, token), new UsageFields(at, "fra1", null, 1, 0, at));
    }

    @Test
    void listsRegisteredTokensNotUsedSinceIncludingNeverUsedOnesInTokenOrder() {
        register("a", "t1");
        register("a", "t2");
        register("a", "t3");
        register("b", "t0");
        use("a", "t1", 100);
        use("a", "t2", 500);
        use("a", "unregistered", 1);

        UnusedTokensPage page = view.unusedSince("a", 200, null, 10, 1000);
        assertThat(page.tokens()).extracting(TokenView::tokenId).containsExactly("t1", "t3");
        assertThat(page.nextAfterTokenId()).isNull();
    }

    @Test
    void paginationIsStableAndCoversEveryTokenExactlyOnce() {
        for (int i = 0; i < 250; i++) {
            register("acct", String.format("tok-%04d", i));
            if (i % 3 == 0) {
                use("acct", String.format("tok-%04d", i), 1_000);
            }
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            UnusedTokensPage page = view.unusedSince("acct", 2_000, after, 40, 10_000);
            page.tokens().forEach(t -> seen.add(t.tokenId()));
            after = page.nextAfterTokenId();
            pages++;
        } while (after != null);
        assertThat(seen).hasSize(250).doesNotHaveDuplicates().isSorted();
        assertThat(pages).isEqualTo(7);
    }

    @Test
    void aScanBudgetEndsThePageEarlyWithAContinuation() {
        for (int i = 0; i < 100; i++) {
            register("acct", String.format("t%03d", i));
            use("acct", String.format("t%03d", i), 5_000); // all in use
        }
        UnusedTokensPage page = view.unusedSince("acct", 1_000, null, 10, 30);
        assertThat(page.tokens()).isEmpty();
        assertThat(page.nextAfterTokenId()).isEqualTo("t029");
    }

    @Test
    void tokenIdsOnlySeenInLoginsCountAgainstTheScanBudget() {
        register("acct", "a-registered");
        for (int i = 0; i < 1_000; i++) {
            usage.put(
                    new TokenKey("acct", String.format("b-guess-%04d", i)),
                    new UsageFields(
                            UsageFields.NEVER,
                            null,
                            null,
                            0,
                            1,
                            UsageFields.NEVER,
                            7,
                            UsageFields.NEVER)); // a flood of failed random ids
        }
        register("acct", "c-registered");

        UnusedTokensPage first = view.unusedSince("acct", 1_000, null, 10, 100);
        assertThat(first.tokens()).extracting(TokenView::tokenId).containsExactly("a-registered");
        assertThat(first.nextAfterTokenId()).as("stopped inside the flood").isEqualTo("b-guess-0098");

        List<String> listed = new ArrayList<>(List.of("a-registered"));
        String after = first.nextAfterTokenId();
        int pages = 1;
        while (after != null) {
            UnusedTokensPage page = view.unusedSince("acct", 1_000, after, 10, 100);
            page.tokens().forEach(t -> listed.add(t.tokenId()));
            after = page.nextAfterTokenId();
            pages++;
        }
        assertThat(listed).containsExactly("a-registered", "c-registered");
        assertThat(pages).isEqualTo(11); // 1,002 ids at 100 a page
    }

    @Test
    void getJoinsBothGroups() {
        register("a", "t");
        use("a", "t", 42);
        TokenView v = view.get("a", "t").orElseThrow();
        assertThat(v.metadata().name()).isEqualTo("n-t");
        assertThat(v.usage().lastSeenAt()).isEqualTo(42L);
        assertThat(view.get("a", "missing")).isEmpty();
    }
}
