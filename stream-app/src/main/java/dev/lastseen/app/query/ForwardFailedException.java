package dev.lastseen.app.query;

/** The owning instance did not answer a forwarded query (refused, timed out, broken answer). */
public final class ForwardFailedException extends Exception {
    public ForwardFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
