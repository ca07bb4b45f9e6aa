package dev.lastseen.applier;

import dev.lastseen.config.SecretDefaults;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The secret rule the migrations write into the tokens table's CHECK constraint: the same as lastseen's own
 * (visible ASCII, {@code minLength..}{@value SecretDefaults#MAX_LENGTH} characters, not one character repeated,
 * not a placeholder compared case-insensitively). Configured with {@code lastseen.apply.secret.min.length} and
 * {@code lastseen.apply.secret.placeholders}, whose defaults are lastseen's.
 */
public record SecretHashRule(int minLength, List<String> placeholders) {
    public static final SecretHashRule DEFAULT =
            new SecretHashRule(SecretDefaults.MIN_LENGTH, SecretDefaults.PLACEHOLDERS);

    public SecretHashRule {
        placeholders = List.copyOf(placeholders);
        if (minLength < 1 || minLength > SecretDefaults.MAX_LENGTH) {
            throw new IllegalArgumentException("minLength must be 1.." + SecretDefaults.MAX_LENGTH);
        }
    }

    /**
     * The placeholders as the migration takes them: ASCII-lower-cased, hex-encoded UTF-8, comma-separated (so no
     * value can break out of the SQL it is substituted into). A placeholder with a character outside visible ASCII
     * is left out: the CHECK refuses every such value anyway.
     */
    String placeholdersHex() {
        return placeholders.stream()
                .filter(p -> p.chars().allMatch(c -> c >= 0x21 && c <= 0x7E))
                .map(p -> HexFormat.of().formatHex(p.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)))
                .distinct()
                .collect(Collectors.joining(","));
    }
}
