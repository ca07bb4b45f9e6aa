package dev.lastseen.app.http;

import dev.lastseen.app.query.ForwardedResponse;
import dev.lastseen.app.query.PeerSignature;
import dev.lastseen.app.query.QueryHeaders;
import dev.lastseen.app.query.QueryOutcome;
import dev.lastseen.app.query.QueryRequest;
import dev.lastseen.app.query.TokenQueryService;
import dev.lastseen.avro.Identifiers;
import dev.lastseen.common.LogSafe;
import dev.lastseen.state.TokenView;
import dev.lastseen.state.UnusedTokensPage;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code /v1} token routes: authenticate, validate, take a slot of the {@link QueryLimiter},
 * ask {@link TokenQueryService}, and render its outcome. No routing or retry logic lives here.
 *
 * <p>A client's key must be valid and its line must name the account in the path (403 otherwise,
 * on both routes), checked before anything is read or forwarded. A request is treated as forwarded
 * by another instance only when it carries both the {@link QueryHeaders#FORWARDED} marker and an
 * instance signature, which must then verify for this exact request (403 otherwise); a marker
 * without a signature is ignored — the request is authenticated and answered like any client's (so
 * a client cannot make an instance skip forwarding or its retries).
 */
public final class TokenResource {
    public static final String TOKEN_PATH = "/v1/accounts/{account_id}/tokens/{token_id}";
    public static final String LIST_PATH = "/v1/accounts/{account_id}/tokens";
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    /** Seconds a client should wait after a 503 before retrying. */
    static final String RETRY_AFTER_SECONDS = QueryLimiter.RETRY_AFTER_SECONDS;

    private static final int MAX_INSTANT_CHARS = 64;
    private static final int MAX_LIMIT_CHARS = 8;
    /** 1970-01-01 .. 9999-12-31: every instant a token's use can have, and no epoch-millis overflow. */
    private static final Instant LATEST_INSTANT = Instant.parse("9999-12-31T23:59:59.999Z");

    private static final String SCOPE_ATTRIBUTE = "lastseen.scope";

    private static final Set<String> LIST_PARAMETERS = Set.of("unused_since", "limit", "page_token");

    private final TokenQueryService queries;
    private final ApiKeyAuthenticator auth;
    private final int scanBudget;
    private final String servedBy;
    private final QueryLimiter limiter;

    public TokenResource(
            TokenQueryService queries,
            ApiKeyAuthenticator auth,
            int scanBudget,
            String servedBy,
            QueryLimiter limiter) {
        this.queries = queries;
        this.auth = auth;
        this.scanBudget = scanBudget;
        this.servedBy = servedBy;
        this.limiter = limiter;
    }

    public void routes(RoutesConfig routes) {
        routes.get(TOKEN_PATH, this::token);
        routes.get(LIST_PATH, this::list);
    }

    void token(Context ctx) {
        QueryRequest request = authenticate(ctx);
        String accountId = id(ctx, "account_id");
        authorize(ctx, request, accountId);
        String tokenId = id(ctx, "token_id");
        onlyParameters(ctx, Set.of());
        QueryOutcome<Optional<TokenView>> outcome =
                limiter.call(request.forwarded(), () -> queries.token(accountId, tokenId, request));
        if (outcome instanceof QueryOutcome.Local<Optional<TokenView>> local) {
            TokenView view = local.value()
                    .orElseThrow(() -> new ProblemException(Problem.of(
                            "token-not-found",
                            "Token not found",
                            404,
                            "Account " + accountId + " has no token " + tokenId + ".")));
            ctx.json(new TokenResponse(TokenJson.of(view), servedBy, local.stale(), local.lag()));
        } else {
            answerOtherwise(ctx, outcome);
        }
    }

    void list(Context ctx) {
        QueryRequest request = authenticate(ctx);
        String accountId = id(ctx, "account_id");
        authorize(ctx, request, accountId);
        onlyParameters(ctx, LIST_PARAMETERS);
        long unusedSince = unusedSince(ctx.queryParam("unused_since"));
        int limit = limit(ctx.queryParam("limit"));
        String pageToken = ctx.queryParam("page_token");
        String after = pageToken == null ? null : PageToken.decode(pageToken, accountId, unusedSince);
        QueryOutcome<UnusedTokensPage> outcome = limiter.call(
                request.forwarded(),
                () -> queries.unusedSince(accountId, unusedSince, after, limit, scanBudget, request));
        if (outcome instanceof QueryOutcome.Local<UnusedTokensPage> local) {
            UnusedTokensPage page = local.value();
            String next = page.nextAfterTokenId() == null
                    ? null
                    : PageToken.encode(accountId, unusedSince, page.nextAfterTokenId());
            ctx.json(new TokenListResponse(
                    page.tokens().stream().map(TokenJson::of).toList(), next, servedBy, local.stale(), local.lag()));
        } else {
            answerOtherwise(ctx, outcome);
        }
    }

    /**
     * Another instance's forwarded request (marker and a valid instance signature), or a client's,
     * whose API key is checked here (401/403 otherwise) and kept for {@link #authorize}. The
     * caller's key is never passed on.
     */
    private QueryRequest authenticate(Context ctx) {
        String authorization = ctx.header("Authorization");
        String query = ctx.queryString();
        String pathAndQuery = ctx.req().getRequestURI() + (query == null || query.isEmpty() ? "" : "?" + query);
        if ("1".equals(ctx.header(QueryHeaders.FORWARDED)) && PeerSignature.isSignatureScheme(authorization)) {
            auth.requirePeer(authorization, ctx.method().name(), pathAndQuery, ctx.ip());
            return new QueryRequest(true, pathAndQuery);
        }
        ctx.attribute(SCOPE_ATTRIBUTE, auth.authenticate(authorization, ctx.ip()));
        return new QueryRequest(false, pathAndQuery);
    }

    /**
     * A client's key must name the account; a forwarded request is already bound to the account its
     * signature covers (the path), checked by the instance that took the client's key.
     */
    private void authorize(Context ctx, QueryRequest request, String accountId) {
        if (!request.forwarded()) {
            auth.authorize(ctx.attribute(SCOPE_ATTRIBUTE), accountId, ctx.ip());
        }
    }

    /** A remote answer passed on, or unavailable as 503 problem with Retry-After. */
    private void answerOtherwise(Context ctx, QueryOutcome<?> outcome) {
        if (outcome instanceof QueryOutcome.Remote<?> remote) {
            passOn(ctx, remote.response());
        } else if (outcome instanceof QueryOutcome.Unavailable<?> unavailable) {
            throw unavailable(unavailable.detail());
        } else {
            throw new IllegalStateException(
                    "unexpected outcome " + outcome.getClass().getSimpleName());
        }
    }

    /** The owner's answer, unchanged, with its served-by and the fact that it came through here. */
    private void passOn(Context ctx, ForwardedResponse r) {
        r.headers().forEach(ctx::header);
        if (servedBy != null) {
            ctx.header(QueryHeaders.ROUTED_VIA, servedBy);
        }
        ctx.status(r.status()).contentType(r.contentType()).result(r.body());
    }

    private static ProblemException unavailable(String detail) {
        return new ProblemException(
                Problem.of(
                        "unavailable",
                        "State temporarily unavailable",
                        503,
                        "The account's state cannot be read right now: " + detail
                                + ". Retry after the Retry-After delay."),
                Map.of("Retry-After", RETRY_AFTER_SECONDS));
    }

    private static String id(Context ctx, String name) {
        String value = ctx.pathParam(name);
        String problem = Identifiers.problem(value);
        if (problem != null) {
            throw ProblemException.badRequest(
                    name,
                    name + " " + problem + " (ids are 1.." + Identifiers.MAX_ID_LENGTH + " visible ASCII characters).");
        }
        return value;
    }

    /** Unknown or repeated parameters are errors, not silently ignored: a typo must not change the answer. */
    private static void onlyParameters(Context ctx, Set<String> allowed) {
        for (Map.Entry<String, List<String>> p : ctx.queryParamMap().entrySet()) {
            String name = LogSafe.oneLine(p.getKey(), HttpServer.MAX_PATH_LOG_CHARS);
            if (!allowed.contains(p.getKey())) {
                throw ProblemException.badRequest(
                        name,
                        "Unknown query parameter '" + name + "'"
                                + (allowed.isEmpty()
                                        ? "; this resource takes none."
                                        : "; allowed: "
                                                + String.join(
                                                        ", ",
                                                        allowed.stream()
                                                                .sorted()
                                                                .toList()) + "."));
            }
            if (p.getValue().size() > 1) {
                throw ProblemException.badRequest(
                        name,
                        "Query parameter '" + name + "' is given "
                                + p.getValue().size() + " times; give it once.");
            }
        }
    }

    /** Absent: every registered token (nothing has been used at or after the end of time). */
    static long unusedSince(String value) {
        if (value == null) {
            return Long.MAX_VALUE;
        }
        String why = "unused_since must be an ISO-8601 instant such as 2026-01-31T00:00:00Z, between 1970 and 9999";
        if (value.isEmpty() || value.length() > MAX_INSTANT_CHARS) {
            throw ProblemException.badRequest("unused_since", why + " (at most " + MAX_INSTANT_CHARS + " characters).");
        }
        Instant instant;
        try {
            instant = Instant.parse(value);
        } catch (DateTimeParseException notUtc) {
            try {
                instant = OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e) {
                throw ProblemException.badRequest("unused_since", why + ".");
            }
        }
        if (instant.isBefore(Instant.EPOCH) || instant.isAfter(LATEST_INSTANT)) {
            throw ProblemException.badRequest("unused_since", why + ".");
        }
        return instant.toEpochMilli();
    }

    static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        String why = "limit must be a whole number from 1 to " + MAX_LIMIT + " (default " + DEFAULT_LIMIT + ").";
        if (value.isEmpty()
                || value.length() > MAX_LIMIT_CHARS
                || !value.chars().allMatch(Character::isDigit)) {
            throw ProblemException.badRequest("limit", why);
        }
        int limit = Integer.parseInt(value);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.badRequest("limit", why);
        }
        return limit;
    }
}
