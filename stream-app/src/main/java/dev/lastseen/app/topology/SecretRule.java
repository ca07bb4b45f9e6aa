package dev.lastseen.app.topology;

import dev.lastseen.app.config.ConfigLoader;
import dev.lastseen.app.config.LastseenConfig;
import dev.lastseen.app.config.SecretConfig;
import dev.lastseen.serde.InputRejectReason;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What makes a {@code client_secret_hash} usable. A record whose secret breaks a row is
 * rejected whole, so the token's previous registry fields stay in force — the opposite of the
 * incident behind this project, where a blanked secret overwrote a good one. Rows, in the order
 * they are checked:
 * <ol>
 *   <li>present: not empty ({@link InputRejectReason#SECRET_MISSING});</li>
 *   <li>at most the input bound long ({@link InputRejectReason#SECRET_TOO_LONG});</li>
 *   <li>only visible ASCII 0x21..0x7E: no whitespace of any kind (NBSP, ZWSP...), no control or
 *       format characters (BOM...), nothing non-ASCII ({@link InputRejectReason#SECRET_NOT_VISIBLE_ASCII});</li>
 *   <li>at least {@value ConfigLoader#SECRET_MIN_LENGTH} long ({@link InputRejectReason#SECRET_TOO_SHORT});</li>
 *   <li>not a placeholder: one of {@value ConfigLoader#SECRET_PLACEHOLDERS} (case-insensitive), or
 *       one character repeated, such as sixteen asterisks ({@link InputRejectReason#SECRET_PLACEHOLDER}).</li>
 * </ol>
 * Hashes in every common encoding (hex, base64, PHC strings such as {@code $argon2id$...}) are
 * visible ASCII, so the rule refuses nothing a real hash looks like.
 */
public final class SecretRule {
    private final int minLength;
    private final int maxLength;
    private final Set<String> placeholders;

    public SecretRule(LastseenConfig.SecretSettings settings, int maxLength) {
        this.minLength = settings.minLength();
        this.maxLength = maxLength;
        this.placeholders =
                settings.placeholders().stream().map(SecretRule::fold).collect(Collectors.toUnmodifiableSet());
    }

    /** The row the secret breaks, or null when it is usable. Never looks at more than {@code maxLength} characters. */
    public InputRejectReason violation(String secret) {
        if (secret == null || secret.isEmpty()) {
            return InputRejectReason.SECRET_MISSING;
        }
        if (secret.length() > maxLength) {
            return InputRejectReason.SECRET_TOO_LONG;
        }
        if (firstNonVisibleAscii(secret) >= 0) {
            return InputRejectReason.SECRET_NOT_VISIBLE_ASCII;
        }
        if (secret.length() < minLength) {
            return InputRejectReason.SECRET_TOO_SHORT;
        }
        if (placeholders.contains(fold(secret)) || isOneCharacterRepeated(secret)) {
            return InputRejectReason.SECRET_PLACEHOLDER;
        }
        return null;
    }

    /** Why, in words that name the field and the bound but never the value. */
    String explain(InputRejectReason reason, String secret) {
        String field = "ServiceToken.client_secret_hash ";
        String why = switch (reason) {
            case SECRET_MISSING -> "is missing or empty";
            case SECRET_TOO_LONG -> "is " + secret.length() + " characters, over the bound of " + maxLength;
            case SECRET_NOT_VISIBLE_ASCII ->
                "has a character outside visible ASCII (0x21-0x7E: no whitespace, control, format or "
                        + "non-ASCII characters) at position " + firstNonVisibleAscii(secret);
            case SECRET_TOO_SHORT ->
                "is " + secret.length() + " characters, under " + SecretConfig.SECRET_MIN_LENGTH + " = " + minLength;
            case SECRET_PLACEHOLDER ->
                "is a placeholder (listed in " + SecretConfig.SECRET_PLACEHOLDERS
                        + ", or one character repeated), not a secret";
            default -> throw new IllegalArgumentException("not a secret-rule reason: " + reason);
        };
        return field + why + "; the token's previous registry fields stay in force";
    }

    private static int firstNonVisibleAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isOneCharacterRepeated(String s) {
        if (s.length() < 2) {
            return false;
        }
        char first = s.charAt(0);
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) != first) {
                return false;
            }
        }
        return true;
    }

    private static String fold(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
