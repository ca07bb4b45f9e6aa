package dev.lastseen.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastseen.app.query.QueryHeaders;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The token API on one instance: answers, pagination, validation, auth, problem responses. */
class TokenApiTest {
    private static final String SERVED_BY = "test-instance:7070";

    @AutoClose
    private static QueryTestKit kit;

    private static String base;
    private final TestHttp http = new TestHttp();

    @BeforeAll
    static void start() {
        kit = new QueryTestKit();
        for (int i = 0; i < 7; i++) {
            kit.register("acct-1", "tok-" + i);
        }
        kit.register("acct-2", "other");
        for (int i = 0; i < 7; i++) {
            kit.register("acct-3", "page-" + i); // token ids are unique across accounts
        }
        kit.login("acct-1", "tok-1", Instant.parse("2026-11-20T10:00:00Z"), true);
        kit.login(
                "acct-1", "tok-1", Instant.parse("2026-11-20T09:00:00Z"), true); // older: last seen must not move back
        kit.login("acct-1", "tok-1", Instant.parse("2026-11-20T11:00:00Z"), false);
        kit.login("acct-1", "tok-3", Instant.parse("2026-10-01T00:00:00Z"), true);
        kit.login("acct-1", "unregistered", Instant.parse("2026-11-20T10:00:00Z"), true);
        base = kit.startHttp();
    }

    private HttpResponse<String> get(String pathAndQuery) {
        return http.get(base + pathAndQuery, QueryTestKit.API_KEY);
    }

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    private static void assertProblem(HttpResponse<String> r, int status, String type) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith(Problem.CONTENT_TYPE));
        JsonNode p = json(r);
        assertThat(p.get("type").asText()).isEqualTo(Problem.TYPE_BASE + type);
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("served_by").asText()).isEqualTo(SERVED_BY);
        assertThat(r.headers().firstValue(QueryHeaders.SERVED_BY)).hasValue(SERVED_BY);
    }

    @Test
    void aTokenAnswersWithMetadataAndUsageInIsoUtcAndNamesTheInstance() {
        HttpResponse<String> r = get("/v1/accounts/acct-1/tokens/tok-1");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue(QueryHeaders.SERVED_BY)).hasValue(SERVED_BY);
        JsonNode body = json(r);
        JsonNode token = body.get("token");
        assertThat(token.get("account_id").asText()).isEqualTo("acct-1");
        assertThat(token.get("metadata").get("name").asText()).isEqualTo("deploy bot tok-1");
        assertThat(token.get("metadata").get("client_id").asText()).isEqualTo("client-tok-1");
        assertThat(token.get("metadata").get("created_at").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(token.get("metadata").get("expires_at").isNull()).isTrue();
        assertThat(token.get("usage").get("last_seen_at").asText()).isEqualTo("2026-11-20T10:00:00Z");
        assertThat(token.get("usage").get("last_seen_colo").asText()).isEqualTo("fra1");
        assertThat(token.get("usage").get("success_count").asLong()).isEqualTo(2);
        assertThat(token.get("usage").get("failure_count").asLong()).isEqualTo(1);
        assertThat(body.get("served_by").asText()).isEqualTo(SERVED_BY);
        assertThat(body.get("stale").asBoolean()).isFalse();
        assertThat(body.has("lag")).isFalse();
        assertThat(r.body()).doesNotContain("secret");
    }

    @Test
    void aNeverUsedTokenHasNoUsageAndAnUnregisteredButUsedTokenHasNoMetadata() {
        assertThat(json(get("/v1/accounts/acct-1/tokens/tok-0"))
                        .get("token")
                        .get("usage")
                        .isNull())
                .isTrue();
        JsonNode unregistered =
                json(get("/v1/accounts/acct-1/tokens/unregistered")).get("token");
        assertThat(unregistered.get("metadata").isNull()).isTrue();
        assertThat(unregistered.get("usage").get("success_count").asLong()).isEqualTo(1);
    }

    @Test
    void anUnknownTokenIs404ProblemAndATokenOfAnotherAccountIsUnknownHere() {
        assertProblem(get("/v1/accounts/acct-1/tokens/nope"), 404, "token-not-found");
        assertProblem(get("/v1/accounts/acct-1/tokens/other"), 404, "token-not-found");
    }

    @Test
    void theListingHasTheTokensNotUsedSinceTheInstantNeverUsedOnesIncludedInTokenOrder() {
        JsonNode body = json(get("/v1/accounts/acct-1/tokens?unused_since=2026-11-01T00:00:00Z"));
        assertThat(ids(body)).containsExactly("tok-0", "tok-2", "tok-3", "tok-4", "tok-5", "tok-6");
        assertThat(body.get("next_page_token").isNull()).isTrue();
        assertThat(body.get("served_by").asText()).isEqualTo(SERVED_BY);
        // An offset is accepted and means the same instant.
        assertThat(ids(json(get("/v1/accounts/acct-1/tokens?unused_since=2026-11-01T01:00:00%2B01:00"))))
                .hasSize(6);
        // No unused_since: every registered token.
        assertThat(ids(json(get("/v1/accounts/acct-1/tokens")))).hasSize(7);
    }

    @Test
    void pagesAreCompleteAndStableAndEndWithoutAPageToken() {
        List<String> seen = new ArrayList<>();
        String pageToken = null;
        int pages = 0;
        do {
            JsonNode page = json(
                    get("/v1/accounts/acct-3/tokens?limit=2" + (pageToken == null ? "" : "&page_token=" + pageToken)));
            seen.addAll(ids(page));
            pageToken = page.get("next_page_token").isNull()
                    ? null
                    : page.get("next_page_token").asText();
            pages++;
            if (pages == 2) {
                kit.register("acct-3", "page-00"); // inserted behind the cursor: must not appear or shift later pages
            }
        } while (pageToken != null);
        assertThat(seen).containsExactly("page-0", "page-1", "page-2", "page-3", "page-4", "page-5", "page-6");
        assertThat(pages).isEqualTo(4);
    }

    @Test
    void aPageTokenOfAnotherListingIsRejectedNamingTheParameter() {
        String token = json(get("/v1/accounts/acct-1/tokens?limit=1"))
                .get("next_page_token")
                .asText();
        HttpResponse<String> otherAccount = get("/v1/accounts/acct-2/tokens?limit=1&page_token=" + token);
        assertProblem(otherAccount, 400, "invalid-parameter");
        assertThat(json(otherAccount).get("title").asText()).contains("page_token");
        assertProblem(
                get("/v1/accounts/acct-1/tokens?unused_since=2026-01-01T00:00:00Z&page_token=" + token),
                400,
                "invalid-parameter");
        assertProblem(get("/v1/accounts/acct-1/tokens?page_token=not-a-token!"), 400, "invalid-parameter");
        assertProblem(
                get("/v1/accounts/acct-1/tokens?page_token=" + "A".repeat(PageToken.MAX_CHARS + 4)),
                400,
                "invalid-parameter");
    }

    @ParameterizedTest(name = "{0} -> 400 naming {1}")
    @CsvSource({
        "/v1/accounts/acct-1/tokens?limit=0, limit",
        "/v1/accounts/acct-1/tokens?limit=1001, limit",
        "/v1/accounts/acct-1/tokens?limit=-5, limit",
        "/v1/accounts/acct-1/tokens?limit=99999999999999999999, limit",
        "/v1/accounts/acct-1/tokens?limit=ten, limit",
        "/v1/accounts/acct-1/tokens?limit=, limit",
        "/v1/accounts/acct-1/tokens?limit=1&limit=2, limit",
        "/v1/accounts/acct-1/tokens?unused_since=yesterday, unused_since",
        "/v1/accounts/acct-1/tokens?unused_since=1969-12-31T23:59:59Z, unused_since",
        "/v1/accounts/acct-1/tokens?unused_since=+1000000000-01-01T00:00:00Z, unused_since",
        "/v1/accounts/acct-1/tokens?unused-since=2026-01-01T00:00:00Z, unused-since",
        "/v1/accounts/acct-1/tokens/tok-1?verbose=1, verbose",
        "/v1/accounts/acct%20x/tokens, account_id",
        "/v1/accounts/acct-1/tokens/tok%09x, token_id",
    })
    void invalidParametersAre400ProblemsNamingTheParameter(String pathAndQuery, String parameter) {
        HttpResponse<String> r = get(pathAndQuery.replace("+", "%2B"));
        assertProblem(r, 400, "invalid-parameter");
        assertThat(json(r).get("title").asText()).isEqualTo("Invalid parameter: " + parameter);
        assertThat(json(r).get("detail").asText()).contains(parameter);
    }

    @Test
    void overlongIdsAreRejectedWithTheBound() {
        HttpResponse<String> r = get("/v1/accounts/" + "a".repeat(129) + "/tokens");
        assertProblem(r, 400, "invalid-parameter");
        assertThat(json(r).get("detail").asText()).contains("account_id").contains("128");
    }

    @Test
    void missingOrMalformedKeysAre401WithAChallengeAndWrongKeysAre403() {
        String url = base + "/v1/accounts/acct-1/tokens/tok-1";
        HttpResponse<String> none = http.get(url, Map.of());
        assertProblem(none, 401, "unauthenticated");
        assertThat(none.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertProblem(http.get(url, Map.of("Authorization", "Basic dXNlcjpwYXNz")), 401, "unauthenticated");
        assertProblem(http.get(url, Map.of("Authorization", "Bearer ")), 401, "unauthenticated");
        assertProblem(http.get(url, Map.of("Authorization", "Bearer " + "x".repeat(2000))), 401, "unauthenticated");
        HttpResponse<String> wrong = http.get(url, "not-the-key-0123456789abcdef");
        assertProblem(wrong, 403, "forbidden");
        assertThat(wrong.body()).doesNotContain("not-the-key");
        // Prefix and case variants of the real key are wrong keys, not near misses.
        assertProblem(http.get(url, QueryTestKit.API_KEY.substring(0, 20)), 403, "forbidden");
        assertProblem(http.get(url, QueryTestKit.API_KEY.toUpperCase(java.util.Locale.ROOT)), 403, "forbidden");
        HttpResponse<String> lowerCaseScheme = http.get(url, Map.of("Authorization", "bearer " + QueryTestKit.API_KEY));
        assertThat(lowerCaseScheme.statusCode()).as(lowerCaseScheme.body()).isEqualTo(200);
    }

    @Test
    void aKeyReadsOnlyTheAccountsItsLineNamesOnTheTokenAndTheListingRoutesAlike() {
        String own = base + "/v1/accounts/" + QueryTestKit.SCOPED_ACCOUNT;
        assertProblem(http.get(own + "/tokens/nothing-here", QueryTestKit.SCOPED_API_KEY), 404, "token-not-found");
        assertThat(http.get(own + "/tokens", QueryTestKit.SCOPED_API_KEY).statusCode())
                .isEqualTo(200);

        HttpResponse<String> token = http.get(base + "/v1/accounts/acct-1/tokens/tok-1", QueryTestKit.SCOPED_API_KEY);
        assertProblem(token, 403, "forbidden-account");
        assertThat(token.body()).doesNotContain("tok-1\"").doesNotContain(QueryTestKit.SCOPED_API_KEY);
        HttpResponse<String> listing = http.get(base + "/v1/accounts/acct-1/tokens", QueryTestKit.SCOPED_API_KEY);
        assertProblem(listing, 403, "forbidden-account");
        assertThat(listing.body()).doesNotContain("tok-1\"");
        assertThat(kit.meters()
                        .get("lastseen.api.auth.failures")
                        .tag("reason", "wrong_account")
                        .counter()
                        .count())
                .isEqualTo(2.0);
    }

    @Test
    void healthReadinessMetricsAndTheOpenApiDocumentNeedNoKeyAndNameTheInstance() {
        HttpResponse<String> openapi = http.get(base + "/openapi.yaml", Map.of());
        assertThat(openapi.statusCode()).isEqualTo(200);
        assertThat(openapi.body()).startsWith("openapi: 3");
        assertThat(openapi.headers().firstValue(QueryHeaders.SERVED_BY)).hasValue(SERVED_BY);
        assertThat(http.get(base + "/metrics", Map.of()).statusCode()).isEqualTo(200);
        // The kit's readiness has no streams client attached: not live, not ready, but still answered as problems.
        assertProblem(http.get(base + "/readyz", Map.of()), 503, "not-ready");
        assertProblem(http.get(base + "/healthz", Map.of()), 503, "not-live");
        assertProblem(http.get(base + "/v1/nothing-here", Map.of()), 404, "not-found");
    }

    private static List<String> ids(JsonNode listing) {
        List<String> ids = new ArrayList<>();
        listing.get("tokens").forEach(t -> ids.add(t.get("token_id").asText()));
        return ids;
    }
}
