package dev.lastseen.app.http;

import dev.lastseen.app.access.AccountScope;
import dev.lastseen.app.access.ApiKeys;
import dev.lastseen.app.query.PeerSignature;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides who a request is and which account it may read. A client sends
 * {@code Authorization: Bearer <key>}: the key must be in the key file in force ({@link ApiKeys},
 * compared as digests in constant time), and the account in the path must be one its line names
 * (or the line says {@code *}). 401 when the header is missing or malformed, 403 for an unknown key
 * or another account; no answer echoes what was sent. Every refusal is counted and logged by
 * {@link AuthFailures}.
 *
 * <p>Another instance forwarding a query sends a {@link PeerSignature} of that request instead: it
 * is honoured only when it verifies for this instance, this method and this exact path — the path
 * whose account the forwarding instance already checked against the caller's key — so this
 * instance serves that account and nothing wider.
 */
public final class ApiKeyAuthenticator {
    /** Bound on the presented header: keys are short; anything longer is not a key of ours. */
    static final int MAX_HEADER_CHARS = 1024;

    private static final String SCHEME = "Bearer ";
    private static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Bearer realm=\"lastseen\"");

    private final Supplier<ApiKeys> keys;
    private final PeerSignature peers; // null: no forwarded request is trusted
    private final String self;
    private final AuthFailures failures;

    /**
     * @param keys     the keys in force (re-read on every request: a revoked key stops working at once)
     * @param peers    verifies instance signatures, or null when this instance honours no forwarded request
     * @param self     this instance's {@code host:port} ({@code application.server}), the audience of signatures
     */
    public ApiKeyAuthenticator(Supplier<ApiKeys> keys, PeerSignature peers, String self, AuthFailures failures) {
        this.keys = keys;
        this.peers = peers;
        this.self = self;
        this.failures = failures;
    }

    /**
     * Returns normally when the header is a valid instance signature of this request for this
     * instance; otherwise counts and throws 403.
     */
    public void requirePeer(String authorization, String method, String pathAndQuery, String client) {
        if (peers == null || !peers.verify(authorization, method, self, pathAndQuery)) {
            throw refuse(
                    AuthFailureReason.BAD_PEER_SIGNATURE,
                    client,
                    "The instance signature is not valid for this request (wrong credential, expired, or made for"
                            + " another instance or path).");
        }
    }

    /** The accounts the presented key may read; otherwise counts and throws the 401/403 problem. */
    public AccountScope authenticate(String authorizationHeader, String client) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            failures.failed(AuthFailureReason.MISSING, client);
            throw new ProblemException(
                    Problem.of(
                            "unauthenticated",
                            "Authentication required",
                            401,
                            "Send an API key as 'Authorization: Bearer <key>'."),
                    CHALLENGE);
        }
        if (authorizationHeader.length() > MAX_HEADER_CHARS
                || !authorizationHeader.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                || authorizationHeader.substring(SCHEME.length()).isBlank()) {
            failures.failed(AuthFailureReason.MALFORMED, client);
            throw new ProblemException(
                    Problem.of(
                            "unauthenticated",
                            "Authentication required",
                            401,
                            "The Authorization header is malformed: expected 'Bearer <key>' (at most "
                                    + MAX_HEADER_CHARS + " characters)."),
                    CHALLENGE);
        }
        ApiKeys inForce = keys.get();
        Optional<AccountScope> scope =
                inForce.scopeOf(authorizationHeader.substring(SCHEME.length()).trim());
        if (scope.isEmpty()) {
            throw refuse(
                    AuthFailureReason.UNKNOWN_KEY,
                    client,
                    inForce.isEmpty()
                            ? "This instance has no API keys in force (lastseen.api.key.file), so every key is refused."
                            : "The API key is not valid for this service.");
        }
        return scope.get();
    }

    /** Returns normally when {@code scope} covers the account; otherwise counts and throws 403. */
    public void authorize(AccountScope scope, String accountId, String client) {
        if (!scope.allows(accountId)) {
            failures.failed(AuthFailureReason.WRONG_ACCOUNT, client);
            throw new ProblemException(Problem.of(
                    "forbidden-account", "Forbidden", 403, "This API key may not read account " + accountId + "."));
        }
    }

    private ProblemException refuse(AuthFailureReason reason, String client, String detail) {
        failures.failed(reason, client);
        return new ProblemException(Problem.of("forbidden", "Forbidden", 403, detail));
    }
}
