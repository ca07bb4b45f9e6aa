package dev.lastseen.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An RFC 9457 problem detail. {@code type} is a stable URI per kind of problem that clients
 * can switch on; {@code detail} says what was wrong and what to do. Never a stack trace.
 *
 * @param servedBy extension member: the instance that produced the answer (set by the server)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String instance,
        @JsonProperty("served_by") String servedBy) {
    public static final String CONTENT_TYPE = "application/problem+json";
    /** Base of the stable problem type URIs. */
    public static final String TYPE_BASE = "https://lastseen.dev/problems/";

    public static Problem of(String typeSlug, String title, int status, String detail) {
        return new Problem(TYPE_BASE + typeSlug, title, status, detail, null, null);
    }

    public Problem servedBy(String instanceId) {
        return new Problem(type, title, status, detail, instance, instanceId);
    }
}
