package dev.lastseen.app.startup;

/**
 * A start-up check failed: the message is one line that says what is wrong and what to fix.
 * {@code lastseen run} prints it without a stack trace and exits with code 2.
 */
public final class StartupCheckException extends RuntimeException {
    public StartupCheckException(String message) {
        super(message);
    }
}
