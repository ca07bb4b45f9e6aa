package dev.lastseen.config;

import java.util.List;

/**
 * The secret rule's defaults, in the one module both commands see: {@code lastseen run} applies them to
 * {@code client_secret_hash} as it decodes service-tokens, and {@code lastseen apply migrate} writes the same
 * rule into the database's CHECK constraint, so PostgreSQL refuses exactly what lastseen refuses.
 */
public final class SecretDefaults {
    /** Shortest secret hash accepted, unless configured otherwise. */
    public static final int MIN_LENGTH = 16;

    /** Longest secret hash accepted (the input bound of the field). */
    public static final int MAX_LENGTH = 1024;

    /**
     * Values a token service writes instead of a hash when it has none, redacts one, or was never
     * configured (compared case-insensitively). Most are shorter than the default minimum length and
     * are rejected for that already; the list matters when the minimum is lowered.
     */
    public static final List<String> PLACEHOLDERS = List.of(
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

    private SecretDefaults() {}
}
