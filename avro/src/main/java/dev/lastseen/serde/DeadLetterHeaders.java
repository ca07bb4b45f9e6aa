package dev.lastseen.serde;

/**
 * Header names of every lastseen dead-letter record (the product's {@code lastseen-dlq} and the
 * applier's {@code lastseen-apply-dlq}): Kafka Streams' own dead-letter header names
 * ({@code __streams.errors.*}, the coordinates of the original record) plus
 * {@value #REASON}, a stable reason code. The value is the original bytes.
 */
public final class DeadLetterHeaders {
    public static final String EXCEPTION = "__streams.errors.exception";
    public static final String MESSAGE = "__streams.errors.message";
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";
    public static final String REASON = "lastseen.errors.reason";

    private DeadLetterHeaders() {}
}
