package dev.lastseen.app.query;

import java.util.Map;

/**
 * The owning instance's complete answer to a forwarded query, passed back to the caller as is.
 *
 * @param headers the response headers worth passing on (served-by, Retry-After, WWW-Authenticate)
 */
// The body is passed through once and never compared or hashed, so the record's identity-based array equality is moot.
@SuppressWarnings("ArrayRecordComponent")
public record ForwardedResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
    public ForwardedResponse {
        headers = Map.copyOf(headers);
    }

    /** Whether the owner itself could not answer (its state is unavailable too): worth trying elsewhere. */
    public boolean unavailable() {
        return status == 503;
    }
}
