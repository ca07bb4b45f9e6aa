package dev.lastseen.app.errors;

import dev.lastseen.serde.DeadLetterHeaders;
import dev.lastseen.serde.InputRejectReason;
import dev.lastseen.serde.WireFormat;
import dev.lastseen.serde.WireFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Builds dead-letter records: the original key bytes, with Kafka Streams' own dead-letter header
 * names ({@code __streams.errors.*}) plus {@value #REASON_HEADER}, a stable reason code, and
 * {@value #SCHEMA_ID_HEADER} when the value starts with a wire-format header. The original value
 * bytes are kept only for topics that cannot carry a secret (login events); for every other
 * topic — service-tokens above all — the value is null and {@value #VALUE_WITHHELD_HEADER} says
 * so: topic, partition and offset find the record in its source. No stack trace is attached:
 * messages name fields and bounds, never values, and a trace adds nothing an operator can act on.
 */
public final class DeadLetters {
    public static final String HEADER_EXCEPTION = DeadLetterHeaders.EXCEPTION;
    public static final String HEADER_MESSAGE = DeadLetterHeaders.MESSAGE;
    public static final String HEADER_TOPIC = DeadLetterHeaders.TOPIC;
    public static final String HEADER_PARTITION = DeadLetterHeaders.PARTITION;
    public static final String HEADER_OFFSET = DeadLetterHeaders.OFFSET;
    public static final String REASON_HEADER = DeadLetterHeaders.REASON;
    /**
     * Present when the original value was left out because the dead letter would not fit the topic's
     * {@code max.message.bytes} (or the producer's {@code max.request.size}); its value is the original
     * value's size in bytes. Topic, partition and offset still find the record in its source.
     */
    public static final String VALUE_DROPPED_HEADER = DeadLetterHeaders.VALUE_DROPPED;
    /** As {@link #VALUE_DROPPED_HEADER}, for a key too large to fit even without the value. */
    public static final String KEY_DROPPED_HEADER = DeadLetterHeaders.KEY_DROPPED;

    /** Bound on the exception message header: our messages are short; an unexpected one may not be. */
    static final int MAX_MESSAGE_CHARS = 1000;
    /**
     * Upper bound of what a record adds to its size besides key, value and headers, and of a record
     * batch's own header (Kafka's v2 format: 61 bytes of batch header; attributes, timestamp and offset
     * deltas, lengths and the header count as varints of at most 5 or 10 bytes).
     */
    static final int RECORD_OVERHEAD_BYTES = 61 + 1 + 10 + 5 + 5 + 5 + 5 + 5;
    /** Upper bound of what each header adds besides its name and value (two varint lengths). */
    static final int HEADER_OVERHEAD_BYTES = 10;
    /** The schema id of the value's wire-format header, when it had one (decimal). */
    public static final String SCHEMA_ID_HEADER = DeadLetterHeaders.SCHEMA_ID;
    /** Present ("true") when the value was left out because its topic may carry secrets. */
    public static final String VALUE_WITHHELD_HEADER = DeadLetterHeaders.VALUE_WITHHELD;

    private DeadLetters() {}

    /** The reason for an exception raised while reading or processing a record. */
    public static InputRejectReason reasonOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RejectedRecordException r) {
                return r.reason();
            }
            if (t instanceof WireFormatException w) {
                return switch (w.kind()) {
                    case TRUNCATED -> InputRejectReason.TRUNCATED;
                    case BAD_MAGIC_BYTE -> InputRejectReason.BAD_MAGIC_BYTE;
                    case UNKNOWN_SCHEMA_ID -> InputRejectReason.UNKNOWN_SCHEMA;
                    case INCOMPATIBLE_SCHEMA -> InputRejectReason.INCOMPATIBLE_SCHEMA;
                    case MALFORMED_AVRO -> InputRejectReason.MALFORMED_AVRO;
                };
            }
        }
        return InputRejectReason.PROCESSING_ERROR;
    }

    /**
     * @param value         the original value bytes: read for the schema id, and written only when {@code keepValue}
     * @param keepValue     whether the value may be copied (its topic cannot carry a secret)
     */
    public static ProducerRecord<byte[], byte[]> record(
            String deadLetterTopic,
            byte[] key,
            byte[] value,
            boolean keepValue,
            ErrorHandlerContext context,
            Throwable e,
            InputRejectReason reason) {
        Headers headers = new RecordHeaders();
        headers.add(HEADER_EXCEPTION, utf8(e.getClass().getName()));
        headers.add(HEADER_MESSAGE, utf8(bounded(String.valueOf(e.getMessage()))));
        headers.add(HEADER_TOPIC, utf8(context.topic()));
        headers.add(HEADER_PARTITION, utf8(Integer.toString(context.partition())));
        headers.add(HEADER_OFFSET, utf8(Long.toString(context.offset())));
        headers.add(REASON_HEADER, utf8(reason.code()));
        if (value != null && value.length >= WireFormat.HEADER_SIZE && value[0] == WireFormat.MAGIC_BYTE) {
            headers.add(
                    SCHEMA_ID_HEADER,
                    utf8(Integer.toString(ByteBuffer.wrap(value, 1, 4).getInt())));
        }
        if (!keepValue && value != null) {
            headers.add(VALUE_WITHHELD_HEADER, utf8("true"));
        }
        return new ProducerRecord<>(deadLetterTopic, null, key, keepValue ? value : null, headers);
    }

    /**
     * The dead letter as it can be written: unchanged when it fits in {@code maxBytes}; otherwise without
     * its value (flagged with {@link #VALUE_DROPPED_HEADER}), and if that is still too large without its
     * key as well ({@link #KEY_DROPPED_HEADER}). The headers (reason, exception, source coordinates) are
     * always kept: they are small and bounded, and {@link DeadLetterLimit#MINIMUM} guarantees they fit.
     */
    public static ProducerRecord<byte[], byte[]> fit(ProducerRecord<byte[], byte[]> letter, int maxBytes) {
        if (sizeUpperBound(letter) <= maxBytes) {
            return letter;
        }
        Headers headers = new RecordHeaders(letter.headers().toArray());
        byte[] key = letter.key();
        if (letter.value() != null) {
            headers.add(VALUE_DROPPED_HEADER, utf8(Integer.toString(letter.value().length)));
        }
        ProducerRecord<byte[], byte[]> withoutValue =
                new ProducerRecord<>(letter.topic(), letter.partition(), letter.timestamp(), key, null, headers);
        if (sizeUpperBound(withoutValue) <= maxBytes || key == null) {
            return withoutValue;
        }
        headers.add(KEY_DROPPED_HEADER, utf8(Integer.toString(key.length)));
        return new ProducerRecord<>(letter.topic(), letter.partition(), letter.timestamp(), null, null, headers);
    }

    /** An upper bound of the bytes the record takes in a batch of its own, as the producer and broker count them. */
    public static int sizeUpperBound(ProducerRecord<byte[], byte[]> r) {
        long size = (long) RECORD_OVERHEAD_BYTES + length(r.key()) + length(r.value());
        for (Header h : r.headers()) {
            size += (long) HEADER_OVERHEAD_BYTES + utf8(h.key()).length + length(h.value());
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static String bounded(String message) {
        return message.length() <= MAX_MESSAGE_CHARS ? message : message.substring(0, MAX_MESSAGE_CHARS) + "...";
    }

    private static byte[] utf8(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
