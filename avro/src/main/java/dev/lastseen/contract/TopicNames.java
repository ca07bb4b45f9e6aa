package dev.lastseen.contract;

import java.util.Objects;

/**
 * The topics lastseen's commands read and write. The default names are written here once: both
 * commands' configuration defaults, the developer tools' and the benchmarks' use these constants.
 */
public record TopicNames(
        String loginEvents, String serviceTokens, String tokenLastSeen, String authFailureAlerts, String deadLetter) {
    public static final String LOGIN_EVENTS = "login-events";
    public static final String SERVICE_TOKENS = "service-tokens";
    public static final String TOKEN_LAST_SEEN = "token-last-seen";
    public static final String AUTH_FAILURE_ALERTS = "auth-failure-alerts";
    public static final String DEAD_LETTER = "lastseen-dlq";
    /** The dead-letter topic of {@code lastseen apply} (patches it cannot apply). */
    public static final String APPLY_DEAD_LETTER = "lastseen-apply-dlq";

    public static final TopicNames DEFAULTS =
            new TopicNames(LOGIN_EVENTS, SERVICE_TOKENS, TOKEN_LAST_SEEN, AUTH_FAILURE_ALERTS, DEAD_LETTER);

    public TopicNames {
        Objects.requireNonNull(loginEvents, "loginEvents");
        Objects.requireNonNull(serviceTokens, "serviceTokens");
        Objects.requireNonNull(tokenLastSeen, "tokenLastSeen");
        Objects.requireNonNull(authFailureAlerts, "authFailureAlerts");
        Objects.requireNonNull(deadLetter, "deadLetter");
    }
}
