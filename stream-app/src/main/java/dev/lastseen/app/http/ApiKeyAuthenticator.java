package dev.lastseen.app.http;

import dev.lastseen.app.query.QueryHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;

/**
 * Checks {@code Authorization: Bearer <key>} against the configured API keys. Keys are kept
 * only as SHA-256 digests and compared with {@link MessageDigest#isEqual} over equal-length
 * digests, against every key without stopping early, so the time taken says nothing about
 * how close a guess was or which key matched. 401 when the header is missing or malformed,
 * 403 when the key is wrong; neither answer echoes what was sent.
 *
 * <p>It also recognises the deployment's instance credential ({@code Authorization:
 * LastseenInstance <credential>}) on requests forwarded by another instance: kept the same way,
 * checked the same way, and never accepted as an API key (nor an API key as it).
 */
public final class ApiKeyAuthenticator {
    /** Bound on the presented header: keys are short; anything longer is not a key of ours. */
    static final int MAX_HEADER_CHARS = 1024;

    private static final String SCHEME = "Bearer ";
    private static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Bearer realm=\"lastseen\"");

    private static final String INSTANCE_SCHEME = QueryHeaders.INSTANCE_AUTH_SCHEME + " ";

    private final List<byte[]> keyDigests;
    private final List<byte[]> instanceDigests; // empty: no forwarded request is trusted

    public ApiKeyAuthenticator(List<String> apiKeys) {
        this(apiKeys, List.of());
    }

    /** @param instanceCredentials the deployment's instance credentials (two while one is rotated), or none */
    public ApiKeyAuthenticator(List<String> apiKeys, List<String> instanceCredentials) {
        this.keyDigests = apiKeys.stream().map(ApiKeyAuthenticator::sha256).toList();
        this.instanceDigests =
                instanceCredentials.stream().map(ApiKeyAuthenticator::sha256).toList();
    }

    /** Whether the header carries the instance credential: the request comes from another instance of this deployment. */
    public boolean isInstance(String authorizationHeader) {
        if (instanceDigests.isEmpty()
                || authorizationHeader == null
                || authorizationHeader.length() > MAX_HEADER_CHARS
                || !authorizationHeader.startsWith(INSTANCE_SCHEME)) {
            return false;
        }
        byte[] presented =
                sha256(authorizationHeader.substring(INSTANCE_SCHEME.length()).trim());
        boolean match = false;
        for (byte[] digest : instanceDigests) {
            match |= MessageDigest.isEqual(digest, presented); // no early exit, as for API keys
        }
        return match;
    }

    /** Returns normally when the header carries a configured key; otherwise throws the 401/403 problem. */
    public void authenticate(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
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
            throw new ProblemException(
                    Problem.of(
                            "unauthenticated",
                            "Authentication required",
                            401,
                            "The Authorization header is malformed: expected 'Bearer <key>' (at most "
                                    + MAX_HEADER_CHARS + " characters)."),
                    CHALLENGE);
        }
        byte[] presented = sha256(authorizationHeader.substring(SCHEME.length()).trim());
        boolean match = false;
        for (byte[] digest : keyDigests) {
            match |= MessageDigest.isEqual(digest, presented); // no early exit: same work whichever key matches
        }
        if (!match) {
            throw new ProblemException(Problem.of(
                    "forbidden",
                    "Forbidden",
                    403,
                    keyDigests.isEmpty()
                            ? "This instance has no API keys configured (lastseen.api.keys or lastseen.api.keys.file), so every key is refused."
                            : "The API key is not valid for this service."));
        }
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
