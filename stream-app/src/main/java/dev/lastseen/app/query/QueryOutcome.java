package dev.lastseen.app.query;

/**
 * How a query was resolved: answered from this instance's state, answered by the owning
 * instance (passed through as is), or unavailable until the deadline.
 */
public sealed interface QueryOutcome<T> {

    /**
     * Read from this instance's copy of the account's partition.
     *
     * @param stale true when read from a standby (or a still-restoring active) because the active was unavailable
     * @param lag   records the copy is behind, when stale and known; null otherwise
     */
    record Local<T>(T value, boolean stale, Long lag) implements QueryOutcome<T> {}

    /** The owning instance answered (success or a definite error such as 404); pass it on. */
    record Remote<T>(ForwardedResponse response) implements QueryOutcome<T> {}

    /** No instance could answer before the deadline; {@code detail} says why (never a secret). */
    record Unavailable<T>(String detail) implements QueryOutcome<T> {}
}
