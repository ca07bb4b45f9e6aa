package dev.lastseen.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastseen.app.query.QueryOutcome;
import dev.lastseen.app.query.QueryRequest;
import dev.lastseen.app.query.TokenQueryService;
import dev.lastseen.state.UnusedTokensPage;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An account of 100,000 tokens (in RocksDB, as in production): the listing pages through all
 * of it correctly, and what one request allocates depends on {@code limit}, not on the
 * account's size — the listing streams over the store instead of loading the account.
 * Budget: about 15 s (most of it writing the 100,000 tokens).
 */
class LargeAccountListingTest {
    private static final int BIG = 100_000;
    private static final int SMALL = 1_000;
    private static final Instant USED_AT = Instant.parse("2026-11-01T00:00:00Z");
    private static final long UNUSED_SINCE =
            Instant.parse("2026-10-01T00:00:00Z").toEpochMilli();
    private static final QueryRequest LOCAL = new QueryRequest(false, "/");

    @AutoClose
    private static QueryTestKit kit;

    private static String base;

    @BeforeAll
    static void fill() {
        kit = new QueryTestKit();
        kit.putAccount("big", BIG, 3, USED_AT); // every third token used after UNUSED_SINCE
        kit.putAccount("small", SMALL, 3, USED_AT);
        base = kit.startHttp();
    }

    @Test
    void everyUnusedTokenOfA100000TokenAccountIsListedExactlyOnceInOrderAcrossPages() throws Exception {
        TestHttp http = new TestHttp();
        List<String> seen = new ArrayList<>();
        String pageToken = null;
        int pages = 0;
        do {
            String url = base + "/v1/accounts/big/tokens?unused_since=2026-10-01T00:00:00Z&limit=1000"
                    + (pageToken == null ? "" : "&page_token=" + pageToken);
            JsonNode page =
                    Json.MAPPER.readTree(http.get(url, QueryTestKit.API_KEY).body());
            assertThat(page.get("tokens").size()).isLessThanOrEqualTo(1000);
            page.get("tokens").forEach(t -> seen.add(t.get("token_id").asText()));
            pageToken = page.get("next_page_token").isNull()
                    ? null
                    : page.get("next_page_token").asText();
            pages++;
        } while (pageToken != null);

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < BIG; i++) {
            if (i % 3 != 0) {
                expected.add(String.format("tok-%07d", i));
            }
        }
        assertThat(seen).hasSize(expected.size()).isEqualTo(expected); // complete, in order, no duplicates
        System.out.printf("listing of %d tokens: %d unused in %d pages of <= 1000%n", BIG, seen.size(), pages);
    }

    @Test
    void allocationPerRequestDependsOnTheLimitNotOnTheAccountSize() {
        TokenQueryService service = kit.queryService();
        long small = minAllocated(() -> render(service.unusedSince("small", UNUSED_SINCE, null, 100, 10_000, LOCAL)));
        long bigFirst = minAllocated(() -> render(service.unusedSince("big", UNUSED_SINCE, null, 100, 10_000, LOCAL)));
        long bigLast =
                minAllocated(() -> render(service.unusedSince("big", UNUSED_SINCE, "tok-0099800", 100, 10_000, LOCAL)));
        long bigLimit1000 =
                minAllocated(() -> render(service.unusedSince("big", UNUSED_SINCE, null, 1000, 10_000, LOCAL)));
        System.out.printf(
                "bytes allocated per request, limit 100: account of %d: %d; account of %d: first page %d, last page %d;"
                        + " limit 1000: %d%n",
                SMALL, small, BIG, bigFirst, bigLast, bigLimit1000);
        // Loading the account would allocate ~100x more for the big one; streaming allocates the same.
        assertThat(bigFirst).isLessThan(small * 3);
        assertThat(bigLast).isLessThan(small * 3);
        assertThat(bigLimit1000).isGreaterThan(bigFirst); // it does scale with the limit
    }

    private static String render(QueryOutcome<UnusedTokensPage> outcome) {
        UnusedTokensPage page = ((QueryOutcome.Local<UnusedTokensPage>) outcome).value();
        assertThat(page.tokens()).isNotEmpty();
        try {
            return Json.MAPPER.writeValueAsString(new TokenListResponse(
                    page.tokens().stream().map(TokenJson::of).toList(), page.nextAfterTokenId(), "x", false, null));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The least this thread allocated over a few runs (the first runs pay for class loading and JIT). */
    private static long minAllocated(Runnable request) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 8; i++) {
            long before = threads.getThreadAllocatedBytes(id);
            request.run();
            min = Math.min(min, threads.getThreadAllocatedBytes(id) - before);
        }
        return min;
    }
}
