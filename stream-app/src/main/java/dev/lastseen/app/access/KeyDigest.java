package dev.lastseen.app.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The digest an API key is known by: SHA-256 of the key's UTF-8 bytes, written {@code sha256:<64 hex digits>}
 * in the key file. lastseen never stores or logs a key, only this; a key is long and random, so an unsalted,
 * fast digest does not help anyone guess it (the file must still be kept from readers: it names accounts).
 */
public final class KeyDigest {
    public static final String PREFIX = "sha256:";
    static final int HEX_CHARS = 64;
    /** A key shorter than this is refused by {@code lastseen api-key digest}: too easy to guess. */
    public static final int MIN_KEY_LENGTH = 32;

    private KeyDigest() {}

    /** The raw digest of a presented key. */
    public static byte[] of(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** The key file's spelling of a key's digest: {@code sha256:<hex>}. */
    public static String written(String key) {
        return PREFIX + HexFormat.of().formatHex(of(key));
    }
}
