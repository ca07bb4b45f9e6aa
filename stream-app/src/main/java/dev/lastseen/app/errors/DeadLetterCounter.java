package dev.lastseen.app.errors;

import dev.lastseen.serde.InputRejectReason;

/**
 * Counts dead-lettered records by reason. The error handlers find it in the streams config under
 * {@link #STREAMS_CONFIG_KEY} (Kafka Streams instantiates them); the metrics implement it, so the
 * dependency points from metrics to errors and never back.
 */
public interface DeadLetterCounter {
    /** Where the streams config carries the counter to the error handlers. */
    String STREAMS_CONFIG_KEY = "lastseen.internal.metrics";

    void deadLettered(InputRejectReason reason);
}
