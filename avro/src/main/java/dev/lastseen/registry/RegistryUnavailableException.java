package dev.lastseen.registry;

/**
 * The registry could not be reached, or answered 5xx, after the client's retries. This is
 * never a verdict on a record: callers must wait and retry, not dead-letter.
 */
public class RegistryUnavailableException extends RuntimeException {
    public RegistryUnavailableException(String message) {
        super(message);
    }

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
