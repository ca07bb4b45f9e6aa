package dev.lastseen.app.config;

import dev.lastseen.config.SecretDefaults;

/**
 * Explicit bounds on every input record and field. A record beyond any of them is rejected
 * to the dead-letter topic with a reason; none is truncated or silently dropped.
 * Account and token ids are bounded by {@link dev.lastseen.avro.Identifiers}.
 */
public record InputBounds(
        int maxRecordBytes,
        int maxEventIdLength,
        int maxFailureReasonLength,
        int maxColoLength,
        int maxClientIpLength,
        int maxNameLength,
        int maxClientIdLength,
        int maxSecretHashLength) {
    public static final InputBounds DEFAULTS =
            new InputBounds(16 * 1024, 128, 256, 64, 45, 256, 256, SecretDefaults.MAX_LENGTH);
}
