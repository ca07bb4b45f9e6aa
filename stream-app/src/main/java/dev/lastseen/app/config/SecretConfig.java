package dev.lastseen.app.config;

import java.util.List;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigException;

/** The secret rule: which client_secret_hash values service-tokens records may carry. */
public final class SecretConfig {
    public static final String SECRET_MIN_LENGTH = "lastseen.secret.min.length";
    public static final String SECRET_PLACEHOLDERS = "lastseen.secret.placeholders";

    static final int MAX_PLACEHOLDERS = 1000;
    /**
     * Values a token service writes instead of a hash when it has none, redacts one, or was never
     * configured (compared case-insensitively). Most are shorter than the default minimum length and
     * are rejected for that already; the list matters when {@value #SECRET_MIN_LENGTH} is lowered.
     */
    public static final List<String> DEFAULT_SECRET_PLACEHOLDERS = List.of(
            "REDACTED",
            "[REDACTED]",
            "<REDACTED>",
            "***REDACTED***",
            "REDACTED_SECRET",
            "REDACTED-SECRET",
            "****",
            "********",
            "null",
            "nil",
            "none",
            "undefined",
            "empty",
            "n/a",
            "changeme",
            "change-me",
            "change_me",
            "changeit",
            "placeholder",
            "secret",
            "password",
            "dummy",
            "example",
            "test",
            "todo",
            "tbd",
            "xxx",
            "masked",
            "hidden",
            "sha256:",
            "sha256:REDACTED");

    private SecretConfig() {}

    public static ConfigDef define(ConfigDef def) {
        return def.define(
                        SECRET_MIN_LENGTH,
                        ConfigDef.Type.INT,
                        16,
                        Range.between(1, InputBounds.DEFAULTS.maxSecretHashLength()),
                        Importance.MEDIUM,
                        "Shortest client_secret_hash accepted from service-tokens; shorter ones are rejected (secret_too_short).")
                .define(
                        SECRET_PLACEHOLDERS,
                        ConfigDef.Type.LIST,
                        DEFAULT_SECRET_PLACEHOLDERS,
                        ConfigDef.LambdaValidator.with(
                                SecretConfig::validatePlaceholders,
                                () -> "at most " + MAX_PLACEHOLDERS + " entries of 1.."
                                        + InputBounds.DEFAULTS.maxSecretHashLength() + " characters"),
                        Importance.MEDIUM,
                        "Comma-separated client_secret_hash values that are placeholders, not secrets (compared case-insensitively; a value "
                                + "of one repeated character is always one); such records are rejected (secret_placeholder). Empty: none.");
    }

    public static LastseenConfig.SecretSettings from(AbstractConfig c) {
        return new LastseenConfig.SecretSettings(c.getInt(SECRET_MIN_LENGTH), c.getList(SECRET_PLACEHOLDERS));
    }

    private static void validatePlaceholders(String name, Object value) {
        @SuppressWarnings("unchecked")
        List<String> placeholders = (List<String>) value;
        if (placeholders.size() > MAX_PLACEHOLDERS) {
            throw new ConfigException(
                    name, placeholders.size() + " entries", "at most " + MAX_PLACEHOLDERS + " placeholders");
        }
        for (int i = 0; i < placeholders.size(); i++) {
            String p = placeholders.get(i);
            if (p.isEmpty() || p.length() > InputBounds.DEFAULTS.maxSecretHashLength()) {
                throw new ConfigException(
                        name,
                        "entry #" + (i + 1),
                        "each placeholder must be 1.." + InputBounds.DEFAULTS.maxSecretHashLength()
                                + " characters (empty entries between commas are not allowed)");
            }
        }
    }
}
