package dev.lastseen.app.topology;

import dev.lastseen.app.errors.RejectedRecordException;
import dev.lastseen.serde.InputRejectReason;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads an input record in three bounded steps: size (before any decoding), wire-format
 * decode, then field validation. Anything out of bounds throws, and the dead-letter handler
 * routes the record with the reason; nothing invalid reaches a processor.
 *
 * <p>Public only so that the JMH benchmarks in {@code bench/} can drive this hot path directly from
 * their own package; nothing outside the topology uses it otherwise.
 */
public final class ValidatingDeserializer<T> implements Deserializer<T> {
    private final Deserializer<T> decoder;
    private final Consumer<T> validator;
    private final int maxBytes;
    private final boolean tombstonesAllowed;

    public ValidatingDeserializer(
            Deserializer<T> decoder, Consumer<T> validator, int maxBytes, boolean tombstonesAllowed) {
        this.decoder = decoder;
        this.validator = validator;
        this.maxBytes = maxBytes;
        this.tombstonesAllowed = tombstonesAllowed;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            if (tombstonesAllowed) {
                return null;
            }
            throw new RejectedRecordException(
                    InputRejectReason.NULL_VALUE, topic + ": record has a null value (this topic has no deletes)");
        }
        if (data.length > maxBytes) {
            throw new RejectedRecordException(
                    InputRejectReason.TOO_LARGE,
                    topic + ": record value is " + data.length + " bytes, over the bound of " + maxBytes);
        }
        T value = decoder.deserialize(topic, data);
        validator.accept(value);
        return value;
    }
}
