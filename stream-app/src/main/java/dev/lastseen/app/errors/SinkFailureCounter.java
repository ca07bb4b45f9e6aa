package dev.lastseen.app.errors;

/**
 * Counts records that could not be written to a sink, by {@link FailureKind}
 * ({@code lastseen_sink_failures_total{cause}}). The production handler finds it in the streams config
 * under {@link DeadLetterCounter#STREAMS_CONFIG_KEY}; the metrics implement it.
 */
public interface SinkFailureCounter {
    void sinkFailed(FailureKind kind);
}
