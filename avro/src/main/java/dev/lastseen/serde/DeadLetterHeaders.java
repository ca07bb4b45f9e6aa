package dev.lastseen.serde;

/**
 * Header names of every lastseen dead-letter record (the product's {@code lastseen-dlq} and the
 * applier's {@code lastseen-apply-dlq}): Kafka Streams' own dead-letter header names
 * ({@code __streams.errors.*}, the coordinates of the original record) plus
 * {@value #REASON}, a stable reason code, and {@value #SCHEMA_ID} when the value had a wire-format
 * header. The value is the original bytes, except where the record's topic may carry a secret
 * (service-tokens): there it is withheld (null) and {@value #VALUE_WITHHELD} says so.
 */
public final class DeadLetterHeaders {
    public static final String EXCEPTION = "__streams.errors.exception";
    public static final String MESSAGE = "__streams.errors.message";
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";
    public static final String REASON = "lastseen.errors.reason";
    /** The schema id of the value's wire-format header, when it had one (decimal). */
    public static final String SCHEMA_ID = "lastseen.errors.schema.id";
    /** "true" when the value was left out because its topic may carry a secret. */
    public static final String VALUE_WITHHELD = "lastseen.errors.value.withheld";
    /** The original value's size in bytes, when the value was left out so the dead letter fits its topic. */
    public static final String VALUE_DROPPED = "lastseen.errors.value.dropped";
    /** The original key's size in bytes, when even without its value the dead letter would not fit. */
    public static final String KEY_DROPPED = "lastseen.errors.key.dropped";

    private DeadLetterHeaders() {}
}
