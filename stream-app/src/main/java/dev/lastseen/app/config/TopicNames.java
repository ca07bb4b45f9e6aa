package dev.lastseen.app.config;

import java.util.Objects;

/** The topics lastseen reads and writes; defaults are the contract's names. */
public record TopicNames(
        String loginEvents, String serviceTokens, String tokenLastSeen, String authFailureAlerts, String deadLetter) {
    public static final TopicNames DEFAULTS =
            new TopicNames("login-events", "service-tokens", "token-last-seen", "auth-failure-alerts", "lastseen-dlq");

    public TopicNames {
        Objects.requireNonNull(loginEvents, "loginEvents");
        Objects.requireNonNull(serviceTokens, "serviceTokens");
        Objects.requireNonNull(tokenLastSeen, "tokenLastSeen");
        Objects.requireNonNull(authFailureAlerts, "authFailureAlerts");
        Objects.requireNonNull(deadLetter, "deadLetter");
    }
}
