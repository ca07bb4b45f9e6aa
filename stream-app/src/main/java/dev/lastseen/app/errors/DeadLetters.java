package dev.lastseen.app.errors;

import dev.lastseen.registry.RegistryUnavailableException;
import dev.lastseen.registry.SchemaRegistryException;
import dev.lastseen.serde.DeadLetterHeaders;
import dev.lastseen.serde.WireFormatException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Builds dead-letter records: the original key and value bytes, with Kafka Streams' own
 * dead-letter header names ({@code __streams.errors.*}) plus {@value #REASON_HEADER}, a
 * stable reason code. No stack trace is attached: messages name fields and bounds, never
 * values, and a trace adds nothing an operator can act on.
 */
public final class DeadLetters {
    public static final String HEADER_EXCEPTION = DeadLetterHeaders.EXCEPTION;
    public static final String HEADER_MESSAGE = DeadLetterHeaders.MESSAGE;
    public static final String HEADER_TOPIC = DeadLetterHeaders.TOPIC;
    public static final String HEADER_PARTITION = DeadLetterHeaders.PARTITION;
    public static final String HEADER_OFFSET = DeadLetterHeaders.OFFSET;
    public static final String REASON_HEADER = DeadLetterHeaders.REASON;

    private DeadLetters() {}

    /** The reason for an exception raised while reading or processing a record. */
    public static RejectReason reasonOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RejectedRecordException r) {
                return r.reason();
            }
            if (t instanceof WireFormatException w) {
                return switch (w.kind()) {
                    case TRUNCATED -> RejectReason.TRUNCATED;
                    case BAD_MAGIC_BYTE -> RejectReason.BAD_MAGIC_BYTE;
                    case UNKNOWN_SCHEMA_ID -> RejectReason.UNKNOWN_SCHEMA;
                    case INCOMPATIBLE_SCHEMA -> RejectReason.INCOMPATIBLE_SCHEMA;
                    case MALFORMED_AVRO -> RejectReason.MALFORMED_AVRO;
                };
            }
        }
        return RejectReason.PROCESSING_ERROR;
    }

    /**
     * Whether the failure is the registry being away or misconfigured (unreachable, 5xx, or an
     * answer that is not a verdict on this schema id): never a verdict on the record, so it must
     * be retried, not dead-lettered. An unknown schema id arrives as a {@link WireFormatException}.
     */
    public static boolean isRegistryOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof WireFormatException) {
                return false;
            }
            if (t instanceof RegistryUnavailableException || t instanceof SchemaRegistryException) {
                return true;
            }
        }
        return false;
    }

    public static ProducerRecord<byte[], byte[]> record(
            String deadLetterTopic,
            byte[] key,
            byte[] value,
            ErrorHandlerContext context,
            Throwable e,
            RejectReason reason) {
        Headers headers = new RecordHeaders();
        headers.add(HEADER_EXCEPTION, utf8(e.getClass().getName()));
        headers.add(HEADER_MESSAGE, utf8(String.valueOf(e.getMessage())));
        headers.add(HEADER_TOPIC, utf8(context.topic()));
        headers.add(HEADER_PARTITION, utf8(Integer.toString(context.partition())));
        headers.add(HEADER_OFFSET, utf8(Long.toString(context.offset())));
        headers.add(REASON_HEADER, utf8(reason.code()));
        return new ProducerRecord<>(deadLetterTopic, null, key, value, headers);
    }

    private static byte[] utf8(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
