package dev.lastseen.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail. {@code type} is a stable URI per kind of problem that clients
 * can switch on; {@code detail} says what was wrong and what to do. Never a stack trace.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {
    public static final String CONTENT_TYPE = "application/problem+json";
    /** Base of the stable problem type URIs. */
    public static final String TYPE_BASE = "https://lastseen.dev/problems/";

    public static Problem of(String typeSlug, String title, int status, String detail) {
        return new Problem(TYPE_BASE + typeSlug, title, status, detail, null);
    }
}
