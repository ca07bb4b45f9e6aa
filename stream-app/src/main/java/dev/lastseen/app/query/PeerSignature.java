package dev.lastseen.app.query;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How one instance proves to another that it forwarded a query, without handing over a reusable
 * secret: the forwarded request carries {@code Authorization: LastseenSigned t=<epoch seconds>,
 * sig=<base64url HMAC-SHA256>} over the method, the target instance's {@code host:port}, the exact
 * path and query, and the time. The receiver recomputes it for itself ({@code application.server}),
 * the path it is serving and its clock, and accepts it only within {@link #VALIDITY} either way.
 * So whoever receives a signature — even an address that group metadata named wrongly — can use it
 * only for that one path, on that one instance, for seconds; the instance credential (the HMAC key)
 * never leaves the instance. The path names the account the sending instance authorised with the
 * caller's key: the receiver serves that account and nothing wider.
 *
 * <p>Rotation: every configured credential is accepted, the first signs.
 */
public final class PeerSignature {
    /** How far a signature's time may be from the receiver's clock (either way): covers clock skew and the hop. */
    public static final Duration VALIDITY = Duration.ofSeconds(30);

    private static final String ALGORITHM = "HmacSHA256";
    private static final String PREFIX = QueryHeaders.INSTANCE_AUTH_SCHEME + " ";
    private static final int MAX_HEADER_CHARS = 256;

    private final List<byte[]> keys;
    private final Clock clock;

    public PeerSignature(List<String> credentials, Clock clock) {
        if (credentials.isEmpty()) {
            throw new IllegalArgumentException("at least one instance credential is needed to sign");
        }
        this.keys = credentials.stream()
                .map(c -> c.getBytes(StandardCharsets.UTF_8))
                .toList();
        this.clock = clock;
    }

    /** Whether the header uses the signature scheme at all (so a failure can be told from a client's mistake). */
    public static boolean isSignatureScheme(String authorization) {
        return authorization != null && authorization.startsWith(PREFIX);
    }

    /** The {@code Authorization} value for a request to {@code targetAuthority}. */
    public String sign(String method, String targetAuthority, String pathAndQuery) {
        long t = clock.instant().getEpochSecond();
        return PREFIX + "t=" + t + ", sig="
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(mac(keys.get(0), method, targetAuthority, pathAndQuery, t));
    }

    /** Whether the header is a valid, current signature of this request, made for this instance. */
    public boolean verify(String authorization, String method, String selfAuthority, String pathAndQuery) {
        if (!isSignatureScheme(authorization) || authorization.length() > MAX_HEADER_CHARS) {
            return false;
        }
        String[] parts = authorization.substring(PREFIX.length()).split(",\\s*");
        if (parts.length != 2 || !parts[0].startsWith("t=") || !parts[1].startsWith("sig=")) {
            return false;
        }
        long t;
        byte[] presented;
        try {
            t = Long.parseLong(parts[0].substring(2));
            presented = Base64.getUrlDecoder().decode(parts[1].substring(4));
        } catch (IllegalArgumentException e) {
            return false;
        }
        long now = clock.instant().getEpochSecond();
        if (t < now - VALIDITY.toSeconds() || t > now + VALIDITY.toSeconds()) { // no abs(): it overflows
            return false;
        }
        boolean match = false;
        for (byte[] key : keys) {
            match |= MessageDigest.isEqual(mac(key, method, selfAuthority, pathAndQuery, t), presented);
        }
        return match;
    }

    private static byte[] mac(byte[] key, String method, String authority, String pathAndQuery, long t) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            String canonical = "lastseen-forward-v1\n" + method + "\n" + authority + "\n" + pathAndQuery + "\n" + t;
            return mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is required of every Java platform", e);
        }
    }
}
