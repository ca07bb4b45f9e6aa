package dev.lastseen.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A payload that is not a decodable Confluent-wire-format Avro record. {@link #kind()} says
 * what was wrong in terms a dead-letter reason can use; the message never contains payload
 * bytes.
 */
public class WireFormatException extends SerializationException {

    /** What was wrong with the payload. */
    public enum Kind {
        /** Shorter than the 5-byte header, or the Avro body ended early. */
        TRUNCATED,
        /** First byte is not the 0x00 magic byte. */
        BAD_MAGIC_BYTE,
        /** The registry has no schema with the header's id. */
        UNKNOWN_SCHEMA_ID,
        /** The writer schema cannot be resolved to this reader's schema. */
        INCOMPATIBLE_SCHEMA,
        /** The body does not decode under the writer schema (garbage, trailing bytes). */
        MALFORMED_AVRO
    }

    private final Kind kind;

    public WireFormatException(Kind kind, String message) {
        this(kind, message, null);
    }

    public WireFormatException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
