package dev.lastseen.app.http;

import dev.lastseen.avro.Identifiers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The opaque continuation of a listing: base64url of a version byte, an 8-byte digest of the
 * query it belongs to (account and {@code unused_since}), and the last token id examined. The
 * digest stops a token from one listing being replayed against another; the id is validated
 * like any other on the way in. Clients must treat the string as opaque.
 */
final class PageToken {
    /** Bound on the encoded form: version + digest + the longest id, in base64. */
    static final int MAX_CHARS = 4 * ((1 + 8 + Identifiers.MAX_ID_LENGTH + 2) / 3);

    private static final byte VERSION = 1;
    private static final int DIGEST_BYTES = 8;

    private PageToken() {}

    static String encode(String accountId, long unusedSinceMillis, String afterTokenId) {
        byte[] id = afterTokenId.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(1 + DIGEST_BYTES + id.length);
        b.put(VERSION).put(queryDigest(accountId, unusedSinceMillis)).put(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** The token id to continue after; throws a 400 naming {@code page_token} when it is not one of ours or not for this query. */
    static String decode(String token, String accountId, long unusedSinceMillis) {
        if (token.length() > MAX_CHARS) {
            throw invalid("is " + token.length() + " characters long, over the bound of " + MAX_CHARS);
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw invalid("is not a page token issued by this API");
        }
        if (raw.length < 2 + DIGEST_BYTES || raw[0] != VERSION) {
            throw invalid("is not a page token issued by this API");
        }
        byte[] digest = Arrays.copyOfRange(raw, 1, 1 + DIGEST_BYTES);
        if (!MessageDigest.isEqual(digest, queryDigest(accountId, unusedSinceMillis))) {
            throw invalid(
                    "belongs to a different listing (account_id or unused_since changed); start again without page_token");
        }
        String after = new String(raw, 1 + DIGEST_BYTES, raw.length - 1 - DIGEST_BYTES, StandardCharsets.US_ASCII);
        if (!Identifiers.isValid(after)) {
            throw invalid("is not a page token issued by this API");
        }
        return after;
    }

    private static ProblemException invalid(String why) {
        return ProblemException.badRequest("page_token", "page_token " + why + ".");
    }

    private static byte[] queryDigest(String accountId, long unusedSinceMillis) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(accountId.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(
                    ByteBuffer.allocate(Long.BYTES).putLong(unusedSinceMillis).array());
            return Arrays.copyOf(sha.digest(), DIGEST_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
